"""A durable record of what a bulk job has done, so a rerun resumes without duplicates.

One sqlite3 file may hold many jobs. For each input the journal keeps its key (by
default a digest of the input's content, see ``bulk._identity.content_key``), its state
and the id HubSpot gave it:

- ``pending``: written and committed *before* the chunk holding the input is sent, and
  kept while the input's outcome is unknown (a lost answer no lookup could settle). A
  rerun does not trust it either way: it looks the input up and sends it only if no
  page of its content exists.
- ``done``: the input is applied, and ``result_id`` is the HubSpot id credited to it.
  Only a HubSpot id is ever recorded, and an id is credited to one input of a job at
  most: :meth:`Journal.claim` checks and records in one transaction, which is what stops
  a lookup from crediting a page that another input already owns.
- ``failed``: HubSpot refused the input; a rerun sends it again.

WAL mode with ``synchronous=FULL``: a commit survives SIGKILL (and power loss) once
``commit()`` returns, and readers never block the writer.

>>> journal = Journal("import.sqlite", job="import-2026-11")  # doctest: +SKIP
>>> report = await hs.site_pages.create_many(pages, journal=journal)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar

import anyio
import anyio.to_thread

__all__ = ["Journal", "JournalEntry", "JournalError"]

State = Literal["pending", "done", "failed"]
R = TypeVar("R")

#: ``PRAGMA user_version`` of the current layout. Version 1 (no version set) keyed
#: inputs by their position in the stream, which an edited input file silently shifts.
SCHEMA_VERSION: Final = 2

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS jobs (
    job TEXT PRIMARY KEY,
    operation TEXT NOT NULL,
    started_at REAL NOT NULL,
    key_scheme TEXT NOT NULL
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
CREATE INDEX IF NOT EXISTS entries_by_result ON entries (job, result_id);
"""

# Per connection, so per run: how often each key was seen in this run's input stream.
_RUN_SCHEMA: Final = """
CREATE TEMP TABLE IF NOT EXISTS run_keys (key TEXT PRIMARY KEY, seen INTEGER NOT NULL)
    WITHOUT ROWID;
"""

# sqlite's default limit on host parameters is 999 on old builds; stay under it.
_MAX_PARAMS: Final = 500


class JournalError(RuntimeError):
    """The journal belongs to a different operation or key scheme, or is unusable."""


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
    opens and closes it. Blocking sqlite calls run in a worker thread, one at a time,
    so each call is atomic with respect to the others.
    """

    def __init__(self, path: str | os.PathLike[str], *, job: str = "default") -> None:
        self.path = os.fspath(path)
        self.job = job
        self._conn: sqlite3.Connection | None = None
        self._lock = anyio.CapacityLimiter(1)
        self.started_at: float | None = None
        #: A scratch journal (``temporary()``) is deleted on close and never fsynced.
        self.durable = True

    @classmethod
    def temporary(cls, *, job: str = "default") -> Journal:
        """A scratch journal in a temporary file, deleted on close.

        A job without a journal still needs to know which ids it has credited (so that a
        lookup never credits the same page twice); keeping them on disk rather than in a
        set keeps memory flat for a million-input job.
        """
        fd, path = tempfile.mkstemp(prefix="hubpages-job-", suffix=".sqlite")
        os.close(fd)
        journal = cls(path, job=job)
        journal.durable = False
        return journal

    # -- lifecycle -------------------------------------------------------------------

    def open_sync(self, operation: str, *, key_scheme: str | None = None) -> None:
        """Open the file, create the schema, and claim the job for ``operation``.

        ``key_scheme`` says how the job names its inputs (``content``, ``id`` or
        ``custom``); a rerun that names them differently would match nothing, so it is
        refused. ``None`` (to inspect a journal) checks nothing.
        """
        if self._conn is not None:
            return
        # check_same_thread=False: calls hop between worker threads, serialised by _lock.
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            self._prepare(conn)
            self.started_at = self._claim_job(conn, operation, key_scheme)
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        if self.durable:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
        else:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA busy_timeout=10000")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_jobs = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'"
        ).fetchone()
        if has_jobs and version < SCHEMA_VERSION:
            raise JournalError(
                f"journal {self.path} was written by an earlier hubpages_async that named "
                "inputs by their position; it cannot be resumed safely. Finish that job with "
                "the earlier version, or move the file away to start afresh."
            )
        if version > SCHEMA_VERSION:
            raise JournalError(f"journal {self.path} is from a newer hubpages_async")
        conn.executescript(_SCHEMA + _RUN_SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _claim_job(self, conn: sqlite3.Connection, operation: str, key_scheme: str | None) -> float:
        row = conn.execute(
            "SELECT operation, started_at, key_scheme FROM jobs WHERE job = ?", (self.job,)
        ).fetchone()
        if row is None:
            started = time.time()
            conn.execute(
                "INSERT INTO jobs (job, operation, started_at, key_scheme) VALUES (?, ?, ?, ?)",
                (self.job, operation, started, key_scheme or "custom"),
            )
            return started
        if row[0] != operation:
            raise JournalError(
                f"journal job {self.job!r} in {self.path} was a {row[0]!r} job, not {operation!r}"
            )
        if key_scheme is not None and row[2] != key_scheme:
            raise JournalError(
                f"journal job {self.job!r} in {self.path} named its inputs by {row[2]} keys, "
                f"this run by {key_scheme} keys: a resume would match nothing. Use the same "
                "key= as the first run, or another journal."
            )
        return float(row[1])

    def close_sync(self) -> None:
        """Close the file (idempotent); a temporary journal is deleted."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            if not self.durable:
                with contextlib.suppress(OSError):
                    os.unlink(self.path)

    async def open(self, operation: str, *, key_scheme: str | None = None) -> None:
        """Async ``open_sync``."""
        await self._run(functools.partial(self.open_sync, operation, key_scheme=key_scheme))

    async def aclose(self) -> None:
        """Async ``close_sync``."""
        await self._run(self.close_sync)

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise JournalError("journal is not open")
        return self._conn

    # -- queries ---------------------------------------------------------------------

    def lookup_sync(self, keys: Sequence[str]) -> dict[str, JournalEntry]:
        """The recorded entries for ``keys`` (keys never seen are absent)."""
        found: dict[str, JournalEntry] = {}
        for part in _parts(keys):
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

    def number_keys_sync(self, keys: Sequence[str]) -> list[int]:
        """How many times each key was already seen in this run (in order, so a key
        twice in ``keys`` gets 0 then 1). The count lives in a per-connection table: a
        rerun counts afresh, and memory stays flat however long the stream."""
        if not keys:
            return []
        seen: dict[str, int] = {}
        for part in _parts(list(dict.fromkeys(keys))):
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, seen FROM run_keys WHERE key IN ({marks})", part)
            seen.update({str(key): int(n) for key, n in rows})
        numbers: list[int] = []
        for key in keys:
            n = seen.get(key, 0)
            numbers.append(n)
            seen[key] = n + 1
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO run_keys (key, seen) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET seen = excluded.seen",
                list(seen.items()),
            )
        return numbers

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

    def claim_sync(self, proposals: Sequence[tuple[str, int, Sequence[str]]]) -> dict[str, str]:
        """Credit ids to inputs, each id to one input of the job at most.

        ``proposals`` are ``(key, index, candidate ids)`` in order of preference; each
        input gets the first of its candidates that no other input of the job holds
        (already recorded, or given to an earlier proposal of this call), and is then
        recorded ``done`` with it. Returns ``{key: id}`` for the inputs credited. The
        check and the record are one transaction, so two chunks can never both take
        one page.
        """
        wanted = list(dict.fromkeys(i for _k, _x, ids in proposals for i in ids))
        if not wanted:
            return {}
        now = time.time()
        credited: dict[str, str] = {}
        with self._transaction() as db:
            held: dict[str, str] = {}
            for part in _parts(wanted):
                marks = ",".join("?" * len(part))
                # INDEXED BY: without statistics sqlite would rather scan the job's rows.
                rows = db.execute(
                    "SELECT result_id, key FROM entries INDEXED BY entries_by_result"
                    f" WHERE job = ? AND result_id IN ({marks}) AND state = 'done'",
                    (self.job, *part),
                )
                held.update({str(rid): str(key) for rid, key in rows})
            rows_out: list[tuple[str, str, int, str, float]] = []
            for key, idx, ids in proposals:
                for candidate in ids:
                    owner = held.get(candidate)
                    if owner is None or owner == key:
                        held[candidate] = key
                        credited[key] = candidate
                        rows_out.append((self.job, key, idx, candidate, now))
                        break
            db.executemany(
                "INSERT INTO entries (job, key, idx, state, result_id, updated_at)"
                " VALUES (?, ?, ?, 'done', ?, ?) ON CONFLICT (job, key) DO UPDATE SET"
                " state = 'done', result_id = excluded.result_id, category = NULL,"
                " message = NULL, updated_at = excluded.updated_at",
                rows_out,
            )
        return credited

    def record_sync(
        self,
        done: Iterable[tuple[str, int, str | None]],
        failed: Iterable[tuple[str, int, str, str]],
        uncertain: Iterable[tuple[str, int, str, str]] = (),
    ) -> None:
        """Record ``(key, index, id)`` as done, ``(key, index, category, message)`` as
        failed, and the same shape as ``uncertain``: failed in the report, but kept
        ``pending`` here, since the input may have been applied."""
        now = time.time()
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO entries (job, key, idx, state, result_id, updated_at)"
                " VALUES (?, ?, ?, 'done', ?, ?) ON CONFLICT (job, key) DO UPDATE SET"
                " state = 'done', result_id = excluded.result_id, updated_at = excluded.updated_at",
                [(self.job, key, idx, rid, now) for key, idx, rid in done],
            )
            for state, rows in (("failed", failed), ("pending", uncertain)):
                db.executemany(
                    "INSERT INTO entries (job, key, idx, state, category, message, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job, key) DO UPDATE SET"
                    " state = excluded.state, category = excluded.category,"
                    " message = excluded.message, updated_at = excluded.updated_at",
                    [(self.job, key, idx, state, cat, msg, now) for key, idx, cat, msg in rows],
                )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # -- async wrappers used by the bulk job -----------------------------------------

    async def _run(self, func: Callable[..., R], *args: Any) -> R:
        """Run a sync method in a worker thread, one at a time. A scratch journal never
        waits on the disk (no fsync, a private file), so it runs inline: a thread hop
        per chunk would cost more than the statement."""
        if not self.durable:
            return func(*args)
        return await anyio.to_thread.run_sync(func, *args, limiter=self._lock)

    async def lookup(self, keys: Sequence[str]) -> dict[str, JournalEntry]:
        """Async ``lookup_sync``."""
        return await self._run(self.lookup_sync, keys)

    async def number_keys(self, keys: Sequence[str]) -> list[int]:
        """Async ``number_keys_sync``."""
        return await self._run(self.number_keys_sync, keys)

    async def mark_pending(self, items: Sequence[tuple[str, int]]) -> None:
        """Async ``mark_pending_sync``."""
        await self._run(self.mark_pending_sync, items)

    async def claim(self, proposals: Sequence[tuple[str, int, Sequence[str]]]) -> dict[str, str]:
        """Async ``claim_sync``."""
        return await self._run(self.claim_sync, proposals)

    async def record(
        self,
        done: Sequence[tuple[str, int, str | None]],
        failed: Sequence[tuple[str, int, str, str]],
        uncertain: Sequence[tuple[str, int, str, str]] = (),
    ) -> None:
        """Async ``record_sync``."""
        await self._run(self.record_sync, done, failed, uncertain)


def _parts(values: Sequence[str]) -> Iterator[Sequence[str]]:
    """Slices small enough for one statement's host parameters."""
    for start in range(0, len(values), _MAX_PARAMS):
        yield values[start : start + _MAX_PARAMS]


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (or ``ROLLBACK``) on an autocommit connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")
