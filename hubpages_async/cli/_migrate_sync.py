"""Sync, not only resume: what migrate copied when, and what changed at the source since.

The journal file gets one more table, ``copies``: for every page copied on a route, the
destination id, the source's ``updated`` at the time of the copy, when it was copied and,
once the source page is gone (archived), when that was noticed. A rerun compares each
listed source page's ``updated`` with the recorded one:

- newer: the copy is updated (batch update, remapped like a create), then its draft is
  copied again;
- not recorded: a new page, created by the create step as on a first run;
- recorded, but no longer listed at the source: archived there. It is reported, and
  archived at the destination only with ``--delete``.

HubSpot moves a page's ``updated`` when its live version changes; an edit to the draft
alone may not move it (the emulator's does not), so such an edit is carried on the next
change of the live page, not before.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import anyio.to_thread

__all__ = ["CopyLog", "CopyRow", "updated_of"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS copies (
    route TEXT NOT NULL,
    key TEXT NOT NULL,
    dest_id TEXT NOT NULL,
    source_updated TEXT NOT NULL,
    copied_at REAL NOT NULL,
    gone_at REAL,
    PRIMARY KEY (route, key)
) WITHOUT ROWID;
"""


def updated_of(page: Any) -> str:
    """A page's ``updated`` as text that sorts as time does (UTC, always microseconds;
    empty if unknown)."""
    value = getattr(page, "updated", None)
    if not isinstance(value, datetime):
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class CopyRow:
    """One recorded copy."""

    dest_id: str
    source_updated: str
    copied_at: float
    gone_at: float | None


class CopyLog:
    """The ``copies`` table of one journal file, for one route (source>destination)."""

    def __init__(self, path: str, route: str) -> None:
        self.path = path
        self.route = route

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA busy_timeout=10000")
        db.executescript(_SCHEMA)
        return db

    def _load(self, prefix: str) -> dict[str, CopyRow]:
        with closing(self._connect()) as db, db:
            rows = db.execute(
                "SELECT key, dest_id, source_updated, copied_at, gone_at FROM copies"
                " WHERE route = ? AND key LIKE ?",
                (self.route, f"{prefix}:%"),
            ).fetchall()
        return {key: CopyRow(*rest) for key, *rest in rows}

    def _record(self, rows: Sequence[tuple[str, str, str]]) -> None:
        now = time.time()
        with closing(self._connect()) as db, db:
            db.executemany(
                "INSERT INTO copies (route, key, dest_id, source_updated, copied_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (route, key) DO UPDATE SET"
                " dest_id = excluded.dest_id, source_updated = excluded.source_updated,"
                " copied_at = excluded.copied_at, gone_at = NULL",
                [(self.route, key, dest, updated, now) for key, dest, updated in rows],
            )

    def _gone(self, keys: Sequence[str]) -> None:
        now = time.time()
        with closing(self._connect()) as db, db:
            db.executemany(
                "UPDATE copies SET gone_at = ? WHERE route = ? AND key = ?",
                [(now, self.route, key) for key in keys],
            )

    async def load(self, prefix: str) -> dict[str, CopyRow]:
        """Every copy whose key starts with ``prefix:`` (a page type)."""
        return await anyio.to_thread.run_sync(self._load, prefix)

    async def record(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Record ``(key, destination id, source updated)`` as copied now."""
        items = list(rows)
        if items:
            await anyio.to_thread.run_sync(self._record, items)

    async def gone(self, keys: Iterable[str]) -> None:
        """Note that these sources are archived (their copies were archived too)."""
        items = list(keys)
        if items:
            await anyio.to_thread.run_sync(self._gone, items)


#: Fields a variant's copy takes from HubSpot, not from the source (its URL and state
#: follow the original page's): left out of its update, as in the A/B step.
_VARIANT_OWNED: Final = ("slug", "domain", "state")


async def update_changed(
    run: Any, target: Any, kind: str, changed: Sequence[Any], prepare: Any
) -> set[str]:
    """Update the copies of source pages changed since their copy (batch update);
    return the keys (``kind:source id``) brought up to date."""
    import msgspec

    from hubpages_async.journal import Journal
    from hubpages_async.models import AB_VARIANT_STATUSES, UNSET

    from ._progress import BulkCounter

    if not changed:
        return set()
    keys: dict[str, str] = {}
    inputs = []
    for page in changed:
        dest = run.ids[f"{kind}:{page.id}"]
        body = msgspec.structs.replace(prepare(page), id=dest)
        status = page.ab_status.lower() if isinstance(page.ab_status, str) else ""
        if status in AB_VARIANT_STATUSES:
            body = msgspec.structs.replace(body, **dict.fromkeys(_VARIANT_OWNED, UNSET))
        keys[dest] = f"{kind}:{page.id}@{updated_of(page)}"
        inputs.append(body)
    step = f"{kind}-updated"
    run.progress.start(step, len(inputs))
    report = await target.update_many(
        inputs,
        chunk_size=run.chunk_size,
        concurrency=run.concurrency,
        journal=Journal(run.journal_path, job=f"migrate-{step}@{run.route}"),
        key=lambda body: keys[str(body.id)],
        collect=False,
        on_progress=BulkCounter(run.progress),
    )
    counts = run.step(step)
    counts.done += report.succeeded - report.skipped
    counts.skipped += report.skipped
    failed = set()
    for failure in report.failures:
        source_key = failure.key.rsplit("@", 1)[0]
        failed.add(source_key)
        run.fail(
            step, source_key.split(":", 1)[1], failure.category, failure.message, failure.error
        )
    return {f"{kind}:{page.id}" for page in changed} - failed


async def settle_gone(
    run: Any,
    target: Any,
    kind: str,
    known: dict[str, CopyRow],
    listed: Iterable[str],
    log: CopyLog,
) -> None:
    """Copies whose source is no longer listed (archived at the source): reported, and
    archived at the destination too with ``--delete``."""
    from hubpages_async.journal import Journal

    still = {f"{kind}:{i}" for i in listed}
    gone = sorted(k for k, row in known.items() if row.gone_at is None and k not in still)
    for key in gone:
        run.archived_at_source.append(
            {"type": kind, "sourceId": key.split(":", 1)[1], "destinationId": known[key].dest_id}
        )
    if not gone or not run.delete:
        return
    report = await target.archive_many(
        [known[k].dest_id for k in gone],
        chunk_size=run.chunk_size,
        concurrency=run.concurrency,
        journal=Journal(run.journal_path, job=f"migrate-{kind}-delete@{run.route}"),
    )
    refused = {f.key for f in report.failures}
    for failure in report.failures:
        run.fail(f"{kind}-delete", failure.key, failure.category, failure.message, failure.error)
    await log.gone(k for k in gone if known[k].dest_id not in refused)
    run.step(f"{kind}-deleted").done += len(gone) - len(refused)
