"""Text from outside (file names, contract words) made safe to show in a report.

A file name that is not valid UTF-8 reaches Python as a str with lone surrogates
(``surrogateescape``): it cannot be encoded to write a report, so the result models show
those bytes as ``\\xNN`` from the start (``printable``, applied by their validators). In
one-line contexts (a terminal table, a Markdown line) control characters, line breaks and
bidirectional overrides are escaped too (``one_line``), so a name cannot forge lines,
colours or reading order.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, line/paragraph separators, bidi embeddings/overrides/isolates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """A file name as JSON-safe text: bytes that are not UTF-8 (which Python keeps as lone
    surrogates) shown as ``\\xNN``, so one odd name cannot stop a batch's output."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate that is no escaped byte: show its code point
            return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def one_line(text: str) -> str:
    """``printable(text)`` with control characters, line breaks and bidi controls escaped."""
    text = printable(text)
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(_escape, text)
