"""The page around an HTML report: escaping, and the inline CSS and script that its
Content-Security-Policy allows by hash (and nothing else)."""

from __future__ import annotations

import base64
import hashlib
import html
import os
from datetime import datetime, timezone
from importlib import resources

from ..escapes import printable


def e(value: object) -> str:
    """Escape for text and for double-quoted attributes alike (undecodable file-name bytes as \\xNN)."""
    return html.escape(printable(str(value)), quote=True)


def text(value: str) -> str:
    """Escape contract text for element content: quotes are harmless there and common in contracts."""
    return html.escape(printable(value), quote=False)


def _asset(name: str) -> str:
    return (resources.files(__package__) / "assets" / name).read_text(encoding="utf-8")


# Plain files so they can be edited as CSS and JavaScript; hashed into the policy below.
CSS = _asset("report.css")
SCRIPT = _asset("report.js")


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src {_csp_hash(CSS)}; script-src {_csp_hash(SCRIPT)}; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def generated_at() -> str:
    """Now; or SOURCE_DATE_EPOCH, the reproducible-builds convention, so that two runs over
    the same contracts can give the same file (to compare, or to archive)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return datetime.now().strftime("%Y-%m-%d %H:%M")
