"""``--state FILE``: portal state in sqlite, so it survives restarts.

Changed records are collected as they change and written after each request that may
have changed something (one small transaction), so a crash loses at most the request
in flight. Every record is stored as msgspec JSON keyed by (portal, kind, id).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import msgspec

from .records import FolderRecord, PageRecord
from .seeded import SeedPlan
from .store import Store

__all__ = ["SqlitePersistence"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    portal INTEGER NOT NULL, kind TEXT NOT NULL, id INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (portal, kind, id)
);
CREATE TABLE IF NOT EXISTS seed_plans (
    portal INTEGER NOT NULL, kind TEXT NOT NULL, plan BLOB NOT NULL,
    PRIMARY KEY (portal, kind)
);
"""


class SqlitePersistence:
    """Loads a Store from an sqlite file and writes back what changes."""

    def __init__(self, path: str, store: Store) -> None:
        self.store = store
        # Loaded and closed on the event loop's thread, written back on the store thread
        # (app.py), never both at once.
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.executescript(_SCHEMA)
        self._dirty: dict[tuple[int, str, int], PageRecord | FolderRecord] = {}
        self._enc = msgspec.json.Encoder()
        store.on_change = self._changed

    def _changed(self, portal: int, kind: str, rec: PageRecord | FolderRecord) -> None:
        self._dirty[(portal, kind, rec.id)] = rec

    def load(self) -> None:
        """Read every record into the store and continue its id counters."""
        page_dec = msgspec.json.Decoder(PageRecord)
        folder_dec = msgspec.json.Decoder(FolderRecord)
        max_id = 0
        max_rev = 0
        latest: datetime | None = None
        on_change, self.store.on_change = self.store.on_change, None
        try:
            for portal_id, kind, _id, data in self._db.execute(
                "SELECT portal, kind, id, data FROM records ORDER BY portal, kind, id"
            ):
                portal = self.store.portal(portal_id)
                if kind == "landing-pages/folders":
                    frec = folder_dec.decode(data)
                    portal.folders.load(frec)
                    revs = [int(v.id) for v in frec.revisions if isinstance(v.id, str)]
                    max_id = max(max_id, frec.id)
                else:
                    prec = page_dec.decode(data)
                    portal.pages[kind].load(prec)
                    revs = [int(v.id) for v in prec.revisions if isinstance(v.id, str)]
                    max_id = max(max_id, prec.id)
                    created = prec.live.created
                    if isinstance(created, datetime) and (latest is None or created > latest):
                        latest = created
                    for attr in ("ab_test_id",):
                        value = getattr(prec.live, attr)
                        if isinstance(value, str) and value.isdigit():
                            max_id = max(max_id, int(value))
                max_rev = max([max_rev, *revs])
        finally:
            self.store.on_change = on_change
        if max_id:
            self.store.bump_counters(max_id, max_rev, latest)

    def seed_plans(self) -> list[tuple[int, str, SeedPlan]]:
        """The seeded (generated) pages' layouts: generated pages are not rows."""
        dec = msgspec.json.Decoder(SeedPlan)
        return [
            (portal, kind, dec.decode(plan))
            for portal, kind, plan in self._db.execute(
                "SELECT portal, kind, plan FROM seed_plans ORDER BY portal, kind"
            )
        ]

    def save_seed_plan(self, portal: int, kind: str, plan: SeedPlan) -> None:
        """Remember how a portal was seeded, so a restart serves the same pages."""
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO seed_plans (portal, kind, plan) VALUES (?, ?, ?)",
                (portal, kind, self._enc.encode(plan)),
            )

    def flush(self) -> None:
        """Write every record changed since the last flush."""
        if not self._dirty:
            return
        rows = [(p, k, i, self._enc.encode(rec)) for (p, k, i), rec in self._dirty.items()]
        self._dirty.clear()
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO records (portal, kind, id, data) VALUES (?, ?, ?, ?)", rows
            )

    def close(self) -> None:
        """Flush and close the database."""
        self.flush()
        self._db.close()
