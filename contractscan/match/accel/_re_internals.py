"""The regex parser ``re`` uses internally, on every supported Python.

The speed-ups read a pattern's parse tree. Python 3.11 moved the parser from the
modules ``sre_parse``/``sre_constants`` (deprecated since) to ``re._parser``/
``re._constants``; neither is public, so both spellings are tried here, once.
"""

from __future__ import annotations

try:  # Python 3.11+
    from re import _constants as constants  # noqa: N812
    from re import _parser as parser
except ImportError:  # Python 3.10
    import sre_constants as constants  # type: ignore[no-redef]
    import sre_parse as parser  # type: ignore[no-redef]

__all__ = ["constants", "parser"]
