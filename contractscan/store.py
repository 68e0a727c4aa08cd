"""Scan results kept in SQLite, so an unchanged contract is never scanned twice.

A result is keyed by the sha256 of the file's bytes, a fingerprint of everything else
that decides it (rules, profile, PDF engine, model; see ``ScanSettings.fingerprint``)
and the contractscan version: change any of them and the file is scanned again. A second
table remembers the latest result of every source path, which ``contractscan report``
renders without scanning. Each result is written in its own transaction in WAL mode,
so a run stopped half-way keeps every result it finished and no half-written row.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import ContractScanError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    content_sha256  TEXT NOT NULL,
    settings_sha256 TEXT NOT NULL,
    version         TEXT NOT NULL,
    result          TEXT NOT NULL,
    scanned_at      REAL NOT NULL,
    PRIMARY KEY (content_sha256, settings_sha256, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sources (
    source          TEXT PRIMARY KEY,
    content_sha256  TEXT,
    settings_sha256 TEXT NOT NULL,
    version         TEXT NOT NULL,
    result          TEXT NOT NULL,
    seen_at         REAL NOT NULL
) WITHOUT ROWID;
"""


class StoreError(ContractScanError):
    """The database file cannot be opened or is not a contractscan store."""

    type = "store_error"


class ResultStore:
    """A SQLite file of scan results; one connection, used from one thread."""

    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreError(f"no result store at {self.path}")
        try:
            self._db = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            if create:
                self._db.executescript(_SCHEMA)
            self._db.execute("SELECT 1 FROM results LIMIT 1")
            self._db.execute("SELECT 1 FROM sources LIMIT 1")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable result store ({exc})") from None

    def lookup(self, content_sha256: str, settings_sha256: str, version: str) -> str | None:
        """The stored result JSON for these bytes under these settings, if any."""
        row = self._db.execute(
            "SELECT result FROM results WHERE content_sha256 = ? AND settings_sha256 = ? AND version = ?",
            (content_sha256, settings_sha256, version),
        ).fetchone()
        return row[0] if row else None

    def save(self, source: str, result_json: str, content_sha256: str | None, settings_sha256: str,
             version: str, reusable: bool) -> None:
        """Record ``source``'s latest result; keep it for reuse when it depends on the bytes alone."""
        now = time.time()
        with self._transaction():
            if reusable and content_sha256 is not None:
                self._db.execute(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?)",
                    (content_sha256, settings_sha256, version, result_json, now),
                )
            self._db.execute(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?)",
                (source, content_sha256, settings_sha256, version, result_json, now),
            )

    def point(self, source: str, content_sha256: str, settings_sha256: str, version: str,
              result_json: Callable[[], str]) -> None:
        """Make a reused result ``source``'s latest; ``result_json`` is called only if that changes it."""
        row = self._db.execute(
            "SELECT content_sha256, settings_sha256, version FROM sources WHERE source = ?", (source,)
        ).fetchone()
        if row != (content_sha256, settings_sha256, version):
            self.save(source, result_json(), content_sha256, settings_sha256, version, reusable=False)

    def latest(self) -> Iterator[str]:
        """The latest result JSON of every source, in source order."""
        for (result,) in self._db.execute("SELECT result FROM sources ORDER BY source").fetchall():
            yield result

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _transaction(self):
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (Ctrl-C included)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
