"""What can be scanned: a source is a path, bytes or text; a folder is walked for the files
contractscan reads, without following links out of it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .errors import IOProblem
from .loaders import SUPPORTED_SUFFIXES

Source = str | bytes | os.PathLike[str]
RuleFiles = str | os.PathLike[str] | list[str | os.PathLike[str]] | tuple[str | os.PathLike[str], ...]


def rule_files(rules: RuleFiles | None) -> list[str | os.PathLike[str]]:
    """``rules`` as a list of paths: one path (a str, not its characters) or several."""
    if rules is None:
        return []
    if isinstance(rules, (str, os.PathLike)):
        return [rules]
    if isinstance(rules, (list, tuple)) and all(isinstance(r, (str, os.PathLike)) for r in rules):
        return list(rules)
    raise TypeError(f"rules must be a rule file path or a list of paths, not {type(rules).__name__}")


def check_source(source: object) -> None:
    """A clear TypeError for what cannot be a contract: str(None) would be scanned as text."""
    if isinstance(source, (str, bytes, os.PathLike)):
        return
    hint = ""
    if hasattr(source, "read"):
        hint = " (for an open file, pass its bytes: f.read())"
    elif isinstance(source, (bytearray, memoryview)):
        hint = " (pass bytes(...))"
    raise TypeError(f"a source is a path (str or os.PathLike), bytes or text, not {type(source).__name__}{hint}")


def is_pathlike(source: Source) -> bool:
    return isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source))


def _looks_like_path(s: str) -> bool:
    if len(s) > 4096:
        return False
    if os.path.exists(s):
        return True
    if "\n" in s or "\r" in s:
        return False
    return s.lower().endswith(SUPPORTED_SUFFIXES + (".doc", ".rtf"))


def iter_files(folder: str | os.PathLike[str],
               follow_links: bool = False) -> Iterator[tuple[Path, IOProblem | None]]:
    """Supported files below ``folder``, sorted, each once; symlink loops reported, not followed.

    The walk keeps its own stack, so no depth of folders exhausts Python's recursion limit.
    A symbolic link to a file or folder outside ``folder`` is reported and not followed,
    unless ``follow_links``: a link to /etc/passwd must not put that file in a report.
    """
    root = Path(folder)
    inside = os.path.join(os.path.realpath(root), "")
    seen: set[tuple[int, int]] = set()
    stack: list[Iterator[Path]] = []

    def enter(d: Path) -> IOProblem | None:
        try:
            st = d.stat()
        except OSError as exc:
            return IOProblem(f"cannot read folder {d}: {exc.strerror or exc}")
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return None
        seen.add(key)
        try:
            entries = sorted(d.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            return IOProblem(f"cannot list folder {d}: {exc.strerror or exc}")
        stack.append(iter(entries))
        return None

    problem = enter(root)
    if problem is not None:
        yield root, problem
    while stack:
        p = next(stack[-1], None)
        if p is None:
            stack.pop()
            continue
        if p.name.startswith("."):
            continue
        try:
            is_dir = p.is_dir()
        except OSError:
            is_dir = False
        wanted = is_dir or p.suffix.lower() in SUPPORTED_SUFFIXES + (".doc", ".rtf")
        if wanted and not follow_links and p.is_symlink() and p.exists():
            if not os.path.join(os.path.realpath(p), "").startswith(inside):
                yield p, IOProblem(f"symbolic link to {os.path.realpath(p)}, outside the folder scanned: "
                                   "not followed (--follow-links follows it)")
                continue
        if is_dir:
            problem = enter(p)
            if problem is not None:
                yield p, problem
        elif wanted:
            yield p, None
        elif p.is_symlink() and not p.exists():
            yield p, IOProblem(f"broken or looping symbolic link: {p}")
