"""Where the CLI writes: never over its own inputs, and never half a file.

A report (``-o``) or an annotated copy (``--annotate``) is written to a temporary file
beside its target and renamed onto it only when complete, so an interrupted or failed run
leaves the previous file as it was. A target that is one of the inputs (the same file by
device and inode, so hard links and other spellings count) or the result store is refused
before anything is read.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

FileKey = tuple[int, int]

# How each report format begins: an existing target in a scanned folder that starts so (or
# is empty, left by an interrupted run of an older version) is a previous report, not a contract.
_REPORT_STARTS = (b"== ", b"{", b"[", b"source,clause,present,", b"Portfolio summary:", b"<!DOCTYPE html>")
_MARKDOWN_END = b"*contractscan "  # a Markdown report starts "# name" as many contracts do: its last line tells


def file_key(path: str | os.PathLike[str]) -> FileKey | None:
    """(device, inode) of the file ``path`` names, following links; None if there is none."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def looks_like_report(path: str | os.PathLike[str]) -> bool:
    """True for an empty file or one that starts as a contractscan report does (or no regular
    file at all: a pipe or a device has no content to lose, and must not be opened to look)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return True
        with open(path, "rb") as f:
            head = f.read(1024)
            f.seek(max(0, os.fstat(f.fileno()).st_size - 256))
            tail = f.read(256)
    except OSError:
        return False
    if head.startswith(b"# ") and _MARKDOWN_END in tail:
        return True
    head = head.lstrip(b"\xef\xbb\xbf")
    first = head.split(b"\n", 1)[0]
    # the table report begins with the first file's name and a rule to the end of the line
    return not head or head.startswith(_REPORT_STARTS) or first.rstrip().endswith("─".encode() * 4)


class OutputConflict(ValueError):
    """An output target is an input or the result store: writing it would destroy it."""


def check_targets(targets: dict[str, str | None], inputs: Iterable[str], db: str | None) -> None:
    """Refuse a target (option -> path) that is an input file, the store, or another target."""
    input_keys = {k: p for p in inputs if (k := file_key(p)) is not None and not os.path.isdir(p)}
    db_key = file_key(db) if db else None
    seen: dict[object, str] = {}
    for option, target in targets.items():
        if not target:
            continue
        key = file_key(target)
        if key is not None and key in input_keys:
            raise OutputConflict(f"{option} {target} is the input {input_keys[key]}: writing the report there "
                                 "would destroy it; choose another file name")
        if db and (key is not None and key == db_key or _same_spelling(target, db)):
            raise OutputConflict(f"{option} {target} is the result store (--db {db}): choose another file name")
        ident = key or Path(os.path.abspath(target))
        if ident in seen:
            raise OutputConflict(f"{option} and {seen[ident]} name the same file {target}")
        seen[ident] = option


def _same_spelling(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


@contextmanager
def replace_on_success(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed onto it when the block completes.

    On any exception (Ctrl-C included) the temporary file is removed and ``target`` keeps
    its previous content. A target that exists and is not a regular file (``/dev/null``, a
    pipe) is written directly: it cannot be replaced, and has no content to lose.
    """
    path = Path(os.path.realpath(target))  # a link to a report: replace the report, keep the link
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        yield path
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
