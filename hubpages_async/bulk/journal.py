"""A durable record of what a bulk job has done, so a rerun resumes without duplicates.

One sqlite3 file may hold many jobs. For each input the journal keeps its key, its
state and the id HubSpot gave it:

- ``pending``: written and committed *before* the chunk holding the input is sent. A
  process killed after HubSpot committed the batch but before ``done`` was written
  leaves the input ``pending``; the rerun does not trust that, it looks the input up
  (by slug or name) and resubmits only what is missing.
- ``done``: the input is applied; a rerun skips it.
- ``failed``: not applied (HubSpot refused it, or its outcome stayed unknown); a rerun
  tries it again, looking it up first when the failure left its outcome open.

WAL mode with ``synchronous=FULL``: a commit survives SIGKILL (and power loss) once
``commit()`` returns, and readers never block the writer.

>>> journal = Journal("import.sqlite", job="import-2026-11")  # doctest: +SKIP
>>> report = await hs.site_pages.create_many(pages, journal=journal)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import anyio
import anyio.to_thread

__all__ = ["Journal", "JournalEntry", "JournalError"]

State = Literal["pending", "done", "failed"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS jobs (
    job TEXT PRIMARY KEY,
    operation TEXT NOT NULL,
    started_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    job TEXT NOT NULL,
    key TEXT NOT NULL,
    idx INTEGER NOT NULL,
    state TEXT NOT NULL,
    result_id TEXT,
    category TEXT,
    message TEXT,
    updated_at REAL NOT NULL,
    PRIMARY KEY (job, key)
) WITHOUT ROWID;
"""

# sqlite's default limit on host parameters is 999 on old builds; stay under it.
_MAX_PARAMS: Final = 500


class JournalError(RuntimeError):
    """The journal belongs to a different operation, or is unusable."""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One input as the journal last recorded it."""

    key: str
    index: int
    state: State
    result_id: str | None
    #: HubSpot's (or the bulk layer's) error category of a ``failed`` input.
    category: str | None = None


class Journal:
    """A sqlite3 journal for one bulk job (``job`` names it inside the file).

    Open it once per job run and pass it as ``journal=`` to a bulk method; the job
    opens and closes it. Blocking sqlite calls run in a worker thread, one at a time.
    """

    def __init__(self, path: str | os.PathLike[str], *, job: str = "default") -> None:
        self.path = os.fspath(path)
        self.job = job
        self._conn: sqlite3.Connection | None = None
        self._lock = anyio.CapacityLimiter(1)
        self.started_at: float | None = None

    # -- lifecycle -------------------------------------------------------------------

    def open_sync(self, operation: str) -> None:
        """Open the file, create the schema, and claim the job for ``operation``."""
        if self._conn is not None:
            return
        # check_same_thread=False: calls hop between worker threads, serialised by _lock.
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.executescript(_SCHEMA)
        row = conn.execute(
            "SELECT operation, started_at FROM jobs WHERE job = ?", (self.job,)
        ).fetchone()
        if row is None:
            self.started_at = time.time()
            conn.execute(
                "INSERT INTO jobs (job, operation, started_at) VALUES (?, ?, ?)",
                (self.job, operation, self.started_at),
            )
        elif row[0] != operation:
            conn.close()
            raise JournalError(
                f"journal job {self.job!r} in {self.path} was a {row[0]!r} job, not {operation!r}"
            )
        else:
            self.started_at = float(row[1])
        self._conn = conn

    def close_sync(self) -> None:
        """Close the file (idempotent)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def open(self, operation: str) -> None:
        """Async ``open_sync``."""
        await anyio.to_thread.run_sync(self.open_sync, operation, limiter=self._lock)

    async def aclose(self) -> None:
        """Async ``close_sync``."""
        await anyio.to_thread.run_sync(self.close_sync, limiter=self._lock)

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise JournalError("journal is not open")
        return self._conn

    # -- queries ---------------------------------------------------------------------

    def lookup_sync(self, keys: Sequence[str]) -> dict[str, JournalEntry]:
        """The recorded entries for ``keys`` (keys never seen are absent)."""
        found: dict[str, JournalEntry] = {}
        for start in range(0, len(keys), _MAX_PARAMS):
            part = keys[start : start + _MAX_PARAMS]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                "SELECT key, idx, state, result_id, category FROM entries"
                f" WHERE job = ? AND key IN ({marks})",
                (self.job, *part),
            )
            for key, idx, state, result_id, category in rows:
                found[key] = JournalEntry(key, idx, state, result_id, category)
        return found

    def entries_sync(self) -> list[JournalEntry]:
        """Every entry of the job, in input order (for inspection and tests)."""
        rows = self._db.execute(
            "SELECT key, idx, state, result_id, category FROM entries WHERE job = ? ORDER BY idx",
            (self.job,),
        )
        return [JournalEntry(*row) for row in rows]

    def counts_sync(self) -> dict[str, int]:
        """Number of entries per state."""
        rows = self._db.execute(
            "SELECT state, COUNT(*) FROM entries WHERE job = ? GROUP BY state", (self.job,)
        )
        return {str(state): int(n) for state, n in rows}

    # -- writes (each one transaction) -----------------------------------------------

    def mark_pending_sync(self, items: Iterable[tuple[str, int]]) -> None:
        """Record ``(key, index)`` as about to be sent; must commit before the send."""
        now = time.time()
        with self._transaction() as db:
            # An input a previous run saw keeps its old id (if any) until a result arrives.
            db.executemany(
                "INSERT INTO entries (job, key, idx, state, updated_at)"
                " VALUES (?, ?, ?, 'pending', ?)"
                " ON CONFLICT (job, key) DO UPDATE SET state = 'pending', idx = excluded.idx,"
                " updated_at = excluded.updated_at",
                [(self.job, key, idx, now) for key, idx in items],
            )

    def record_sync(
        self,
        done: Iterable[tuple[str, int, str | None]],
        failed: Iterable[tuple[str, int, str, str]],
    ) -> None:
        """Record ``(key, index, id)`` as done and ``(key, index, category, message)`` failed."""
        now = time.time()
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO entries (job, key, idx, state, result_id, updated_at)"
                " VALUES (?, ?, ?, 'done', ?, ?) ON CONFLICT (job, key) DO UPDATE SET"
                " state = 'done', result_id = excluded.result_id, updated_at = excluded.updated_at",
                [(self.job, key, idx, rid, now) for key, idx, rid in done],
            )
            db.executemany(
                "INSERT INTO entries (job, key, idx, state, category, message, updated_at)"
                " VALUES (?, ?, ?, 'failed', ?, ?, ?) ON CONFLICT (job, key) DO UPDATE SET"
                " state = 'failed', category = excluded.category, message = excluded.message,"
                " updated_at = excluded.updated_at",
                [(self.job, key, idx, cat, msg, now) for key, idx, cat, msg in failed],
            )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # -- async wrappers used by the bulk job -----------------------------------------

    async def lookup(self, keys: Sequence[str]) -> dict[str, JournalEntry]:
        """Async ``lookup_sync``."""
        return await anyio.to_thread.run_sync(self.lookup_sync, keys, limiter=self._lock)

    async def mark_pending(self, items: Sequence[tuple[str, int]]) -> None:
        """Async ``mark_pending_sync``."""
        await anyio.to_thread.run_sync(self.mark_pending_sync, items, limiter=self._lock)

    async def record(
        self,
        done: Sequence[tuple[str, int, str | None]],
        failed: Sequence[tuple[str, int, str, str]],
    ) -> None:
        """Async ``record_sync``."""
        await anyio.to_thread.run_sync(self.record_sync, done, failed, limiter=self._lock)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (or ``ROLLBACK``) on an autocommit connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")
