"""A cache on disk of the work that depends only on the rules and the code: parsed rule files,
the analysis the regex speed-ups make of each pattern, and compiled regexes.

Building the pipeline (reading ~60 rule files, compiling ~2,000 regexes, analysing each for
its literals) took about a second of every process's start; the cache makes it a few
milliseconds. Entries are keyed by a hash of what they were made from, in a folder named by
contractscan's version, the Python version and the code that makes and reads the entries
(``CACHED_BY``), so a changed rule file or a new release never reads a stale entry: it misses
and rebuilds. An edit to other code (a renderer, a loader, the matcher's steps) keeps them. Old folders and entries are evicted
(``evict``). The folder is safe to delete at any time; an unreadable or corrupt entry is
ignored and rewritten.

Where: ``$CONTRACTSCAN_CACHE`` if set (``off`` or ``0`` turns the cache off), else the user's
cache folder (``$XDG_CACHE_HOME/contractscan``, ``~/.cache/contractscan``; on Windows
``%LOCALAPPDATA%\\contractscan\\cache``). Never inside the installed package.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ENV = "CONTRACTSCAN_CACHE"
_OFF = {"0", "off", "no", "false", "none"}
_lock = threading.Lock()


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    env = os.environ.get(ENV)
    if env is not None:
        return None if env.strip().lower() in _OFF or not env.strip() else Path(env).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "contractscan" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "contractscan"


# The code that decides what an entry holds, relative to the package: the regex code made
# here (``_sre_arguments``), the rules parsed and pickled (rules.py, with their Severity), and
# the speed-ups' analysis of each pattern (match/accel: gates, the Hyperscan filter). Whatever
# else the package holds reads entries but does not shape them, so editing it (every edit
# made the whole cache cold: ~60 s of CPU for the quick test run) keeps the cache warm. A
# module that comes to shape an entry belongs here (tests/test_cache.py checks the imports).
CACHED_BY = ("cache.py", "rules.py", "severity.py", "match/accel")


def _source_hash(package: Path, parts: tuple[str, ...] | None = None) -> str:
    """sha256 of the package's source files (of ``parts`` only, if given: files or folders)."""
    if parts is None:
        paths = sorted(package.rglob("*.py"))
    else:
        paths = sorted({f for part in parts for f in ((package / part).rglob("*.py") if (package / part).is_dir()
                                                       else [package / part])})
    h = hashlib.sha256()
    for path in paths:
        rel = path.relative_to(package).as_posix().encode()
        data = path.read_bytes()
        h.update(len(rel).to_bytes(8, "big") + rel + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """sha256 of contractscan's own source files: what other code made is never reused (a
    fix, a local edit under the same version number). Read once per process, about 1 ms."""
    return _source_hash(Path(__file__).resolve().parent)


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """What every entry depends on besides its own parts: contractscan's version, the code
    that makes the entries (``CACHED_BY``) and the Python version. Entries live in a folder
    named by it."""
    from . import __version__

    h = hashlib.sha256()
    for part in (__version__, _source_hash(Path(__file__).resolve().parent, CACHED_BY), sys.version):
        data = part.encode("utf-8", "surrogateescape")
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()[:16]


def key(*parts: str | bytes) -> str:
    """A cache key: the parts given (the folder, ``fingerprint()``, holds the rest)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()[:32]


# Without eviction every code or rule change left its entries behind (~5 MB each, for the
# Hyperscan database). Kept: the current fingerprint's folder, the OTHER_FINGERPRINTS most
# recently used others (two installed versions sharing the cache do not rebuild at every
# switch), and in the current folder the most recently used entries up to MAX_FOLDER_BYTES
# (rule sets come and go; the test suite alone uses ~130 entries, ~20 MB). Eviction runs when
# an entry is written, which is rare.
OTHER_FINGERPRINTS = 2
MAX_FOLDER_BYTES = 256 * 1024 * 1024
_touched: set[Path] = set()
_OURS = re.compile(r"[0-9a-f]{16}|[a-z]+-[0-9a-f]{32}\.pickle")  # a fingerprint folder, an old-layout entry


def _folder() -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / fingerprint()


def load(kind: str, k: str) -> Any | None:
    """The entry ``kind``/``k``, or None if absent, unreadable or not written by this user."""
    folder = _folder()
    if folder is None:
        return None
    path = folder / f"{kind}-{k}.pickle"
    try:
        with path.open("rb") as fh:
            if hasattr(os, "getuid") and os.fstat(fh.fileno()).st_uid != os.getuid():
                return None  # a pickle is code: only read what this user wrote
            value = pickle.load(fh)
    except Exception:  # absent, truncated, from an incompatible library version: rebuild
        return None
    _mark_used(path)
    return value


def _mark_used(path: Path) -> None:
    """The entry and its folder were used now (their mtime): eviction keeps what is used."""
    for p in (path, path.parent):
        if p not in _touched:
            _touched.add(p)
            try:
                os.utime(p)
            except OSError:
                pass


def store(kind: str, k: str, value: Any) -> None:
    """Write the entry atomically (a reader sees the old entry or the new one, never half);
    a cache that cannot be written is no error, only slower."""
    folder = _folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / f"{kind}-{k}.pickle")
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:
        return
    _mark_used(folder / f"{kind}-{k}.pickle")
    evict(folder)


def evict(current: Path) -> None:
    """Delete what the cache keeps no more (see OTHER_FINGERPRINTS). Safe while other processes
    use the cache: a reader that loses an entry rebuilds it, a writer whose folder went away
    writes nothing; nothing here raises."""
    root = current.parent
    try:  # only names this module writes: $CONTRACTSCAN_CACHE may name a folder shared with others
        others = [(_mtime(p), p) for p in root.iterdir() if p != current and _OURS.fullmatch(p.name)]
    except OSError:
        return
    folders = sorted((item for item in others if item[1].is_dir() and not item[1].is_symlink()), reverse=True)
    for _, old in folders[OTHER_FINGERPRINTS:]:
        shutil.rmtree(old, ignore_errors=True)
    for _, old in others:  # entries of the layout before fingerprint folders
        if old.suffix == ".pickle" and old.is_file():
            _unlink(old)
    entries: list[tuple[float, int, Path]] = []
    now = time.time()
    try:
        for entry in current.iterdir():
            try:
                info = entry.stat()
            except OSError:
                continue
            if entry.name.startswith("."):  # a writer's temporary file: left by a crash when it is old
                if info.st_mtime < now - 3600:
                    _unlink(entry)
            elif entry.name.endswith(".pickle"):
                entries.append((info.st_mtime, info.st_size, entry))
    except OSError:
        return
    total = 0
    for _, size, entry in sorted(entries, key=lambda e: e[0], reverse=True):  # most recently used first
        total += size
        if total > MAX_FOLDER_BYTES:
            _unlink(entry)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


# --- compiled regexes -------------------------------------------------------------------
#
# ``re`` has no way to save a compiled pattern: pickling one pickles its source, and loading
# compiles it again. Compiling is parsing and code generation in Python, then one C call
# (``_sre.compile``) with the generated code. The cache keeps those arguments, so loading a
# pattern is the C call alone. The code is what ``re.compile`` itself generates, on the same
# Python version (the key has it), so the pattern is equal to ``re.compile``'s
# (``Pattern.__eq__`` compares the code; the tests check it).

try:  # Python 3.11+
    from re import _compiler as _re_compiler  # noqa: N812
    from re import _parser as _re_parser
except ImportError:  # Python 3.10
    import sre_compile as _re_compiler  # type: ignore[no-redef]
    import sre_parse as _re_parser  # type: ignore[no-redef]

import _sre  # noqa: E402
from array import array  # noqa: E402

# The generated code is kept as the bytes of an array of code words: a list of ~2 million
# ints took ~25 ms to unpickle at every start, the bytes take well under one.
_CODE_TYPE = next((t for t in "IL" if array(t).itemsize == _sre.CODESIZE), "")

_patterns: dict[tuple[str, int], re.Pattern[str]] = {}
_codes: dict[tuple[str, int], tuple] | None = None
_new_codes = 0
_REGEX_KIND = "regex"
_MAX_CODES = 50_000  # user rules come and go: start afresh rather than grow without end


def _regex_key() -> str:
    return key("regex code", _CODE_TYPE)


def _sre_arguments(pattern: str, flags: int) -> tuple:
    """What ``re``'s own compiler passes to ``_sre.compile`` (see ``re._compiler.compile``)."""
    p = _re_parser.parse(pattern, flags)
    code = _re_compiler._code(p, flags)
    groupindex = p.state.groupdict
    indexgroup = [None] * p.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    # plain ints: the opcodes are int subclasses that do not pickle
    words = [int(c) for c in code]
    return (int(flags | p.state.flags), array(_CODE_TYPE, words).tobytes() if _CODE_TYPE else words,
            p.state.groups - 1, dict(groupindex), tuple(indexgroup))


def _sre_compile(pattern: str, args: tuple) -> re.Pattern[str]:
    flags, code, groups, groupindex, indexgroup = args
    if isinstance(code, bytes):
        code = array(_CODE_TYPE, code).tolist()
    return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)


def compile_regex(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the cache when it was compiled before.

    Raises ``re.error`` as ``re.compile`` does. Call ``save()`` after compiling many."""
    global _codes, _new_codes
    flags = int(flags)
    k = (pattern, flags)
    rx = _patterns.get(k)
    if rx is not None:
        return rx
    with _lock:
        if _codes is None:
            loaded = load(_REGEX_KIND, _regex_key())
            _codes = loaded if isinstance(loaded, dict) else {}
        args = _codes.get(k)
        if args is not None:
            try:
                rx = _sre_compile(pattern, args)
            except Exception:  # a damaged entry: compile it afresh below
                rx = None
        if rx is None:
            if flags & re.DEBUG or not isinstance(pattern, str):
                return re.compile(pattern, flags)
            try:
                args = _sre_arguments(pattern, flags)
                rx = _sre_compile(pattern, args)
            except re.error:
                raise
            except Exception:  # internals moved in a new Python: the public way
                return re.compile(pattern, flags)
            _codes[k] = args
            _new_codes += 1
        _patterns[k] = rx
        return rx


def save() -> None:
    """Write the regexes compiled since the cache was read (cheap when there are none)."""
    global _new_codes
    with _lock:
        if not _new_codes or _codes is None:
            return
        _new_codes = 0
        codes = _codes if len(_codes) <= _MAX_CODES else dict(list(_codes.items())[-_MAX_CODES // 2:])
        store(_REGEX_KIND, _regex_key(), codes)


# --- YAML data files ----------------------------------------------------------------------
#
# The profiles and the reading vocabulary are YAML files read at every start; importing PyYAML
# and parsing them was ~40 ms of a one-file run. What they parse to is kept here, keyed by the
# file's bytes and the PyYAML installation, so PyYAML is imported only when a file changed.


class BadYAML(ValueError):
    """The file is not valid YAML (the message is PyYAML's)."""


def yaml_loader() -> Any:
    """libyaml's safe loader where PyYAML was built with it: ten times faster, same documents."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=1)
def yaml_stamp() -> str:
    """Which PyYAML parses the files, told without importing it: its installed file's place,
    size and time (a new version is a new file)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("yaml")
        origin = spec.origin if spec is not None else None
        info = os.stat(origin) if origin else None
    except (ImportError, ValueError, OSError):
        return "?"
    return f"{origin}:{info.st_size}:{info.st_mtime_ns}" if info is not None else "?"


def load_yaml(data: bytes) -> Any:
    """``yaml.load(data, safe loader)``, from the cache when these bytes were parsed before.
    Raises UnicodeDecodeError for bytes that are not UTF-8, BadYAML for invalid YAML."""
    k = key("yaml", yaml_stamp(), data)
    found = load("yaml", k)
    if isinstance(found, tuple) and len(found) == 1:
        return found[0]
    import yaml

    text = data.decode("utf-8")
    try:
        value = yaml.load(text, Loader=yaml_loader())
    except yaml.YAMLError as exc:
        raise BadYAML(str(exc)) from None
    store("yaml", k, (value,))
    return value
