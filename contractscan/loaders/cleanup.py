"""Text clean-up shared by the loaders; every step is length-aware on purpose."""

from __future__ import annotations

import re

_SPACES = str.maketrans({"\xa0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": "", "\t": " ",
                         "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\ufffe": "", "\ufeff": "",
                         "\u00ad": "", "\x0c": "\n",
                         # GREEK QUESTION MARK: canonically the same character as ';' (NFC maps it),
                         # and what many PDFs printed from a browser hold for every semicolon; read
                         # as such, it left clauses, list items and negation scopes uncut
                         "\u037e": ";"})
# str.translate looks every character up in a dict; a few str.replace calls (C scans, only
# for characters present) give the same text about 100 times faster.
_REPLACEMENTS = [(chr(k), v or "") for k, v in _SPACES.items()]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
# A word broken across a line end: "confiden-\ntiality" -> "confidentiality".
_HYPHEN_BREAK = re.compile(r"(?<=[a-z])-\n[ ]*(?=[a-z])")


def normalise_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for old, new in _REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    text = _CONTROL.sub(" ", text)
    return text


def join_hyphenated(text: str) -> str:
    return _HYPHEN_BREAK.sub("", text)
