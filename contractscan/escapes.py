"""Text from outside (file names, contract words) made safe to show in a report.

A file name that is not valid UTF-8 reaches Python as a str with lone surrogates
(``surrogateescape``): it cannot be encoded to write a report, so every output shows
those bytes escaped as ``\\xNN``. In one-line contexts (a terminal table, a Markdown
line) control characters, line breaks and bidirectional overrides are escaped too, so a
name cannot forge lines, colours or reading order.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 and C1 controls, DEL, line/paragraph separators, bidi embeddings/overrides/isolates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def fs_text(s: str) -> str:
    """``s`` with undecodable file-name bytes shown as ``\\xNN`` (unchanged when there are none)."""
    if _SURROGATE.search(s) is None:
        return s
    try:
        raw = s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte: show its code point
        raw = s.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def one_line(s: str) -> str:
    """``fs_text(s)`` with control characters, line breaks and bidi controls escaped."""
    s = fs_text(s)
    if _CONTROL.search(s) is None:
        return s
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                            else f"\\u{ord(m.group()):04x}"), s)
