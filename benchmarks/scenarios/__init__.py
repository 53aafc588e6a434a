"""The six scenarios of issue 6: what each runs, against which emulator, with which sizes.

A scenario is a list of *entries* (a contender plus job settings, e.g. hubpages_async with
8 shards and with one cursor chain) run against a freshly started emulator per
measurement, so every entry meets the same empty rate-limit window and the same store.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Final, Literal

from .._emulator_proc import EmulatorOptions

__all__ = [
    "CEILING_PAGES_PER_S",
    "RUN_ORDER",
    "SCENARIOS",
    "Entry",
    "Scenario",
    "select",
]

#: Scenario 3's ceiling: 190 requests per 10 s, 100 pages per batch request.
CEILING_PAGES_PER_S: Final = 190 / 10 * 100
LIMIT: Final = "190/10s"

OURS = "hubpages_async"
SDK = "hubspot-sdk"
API_CLIENT = "hubspot-api-client"
FLOOR = "floor"


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a scenario's table: a contender and how it is driven."""

    label: str
    contender: str
    shards: int = 1
    concurrency: int = 10
    headroom: float | None = None
    margin: float | None = None
    #: What hubpages_async's report keeps: ids (the default), pages (True), or only
    #: counts (False).
    collect: bool | Literal["ids"] = "ids"
    #: Entries that take minutes per run are measured in fewer rounds (None: every round),
    #: which keeps the full run under half an hour; the table shows each row's run count.
    max_rounds: int | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    """What to measure; ``count``/``quick_count`` are pages (or decodes of a 100-page body)."""

    key: str
    number: str
    title: str
    op: str
    count: int
    quick_count: int
    entries: tuple[Entry, ...]
    emulator: EmulatorOptions | None = field(default_factory=EmulatorOptions)
    #: Long single-client runs (scenario 5) are measured once, not per round.
    single_round: bool = False
    #: A run may take this long before the harness gives up on it.
    timeout_s: float = 900.0
    #: Serve the scenario from the long-lived sink server instead of the emulator (scenario 5).
    sink: bool = False

    @property
    def warm_up(self) -> bool:
        """A reused emulator without latency answers its first export slower (cold caches);
        one untimed pass first keeps that off whichever entry happens to run first."""
        return self.reuse_emulator and self.emulator is not None and not self.emulator.latency

    @property
    def reuse_emulator(self) -> bool:
        """Exports only read, so one seeded emulator serves every run of the scenario
        (seeding 20,000 realistic pages per kind takes longer than most exports)."""
        return self.op == "export"

    def sized(self, quick: bool, count: int | None = None) -> Scenario:
        """This scenario at its quick size, or at an explicit ``count``."""
        n = count if count is not None else (self.quick_count if quick else self.count)
        emulator = self.emulator
        if emulator is not None and self.op == "export":
            emulator = replace(emulator, seed_pages=n)
        return replace(self, count=n, emulator=emulator)

    def only(self, contenders: list[str] | None) -> Scenario:
        """This scenario restricted to some contenders (all when ``contenders`` is empty)."""
        if not contenders:
            return self
        unknown = set(contenders) - {e.contender for e in SCENARIOS[0].entries}
        if unknown:
            raise KeyError(f"unknown contender(s) {sorted(unknown)}")
        return replace(self, entries=tuple(e for e in self.entries if e.contender in contenders))


_ALL = (
    Entry(OURS, OURS),
    Entry(SDK, SDK),
    Entry(API_CLIENT, API_CLIENT),
    Entry(FLOOR, FLOOR),
)
# Creating 20,000 pages takes the peers one to two minutes per run.
_CREATE = (
    Entry(OURS, OURS),
    Entry(SDK, SDK, max_rounds=2),
    Entry(API_CLIENT, API_CLIENT, max_rounds=2),
    Entry(FLOOR, FLOOR),
)

SCENARIOS: Final[tuple[Scenario, ...]] = (
    Scenario(
        key="export",
        number="1",
        title="Export fully populated pages, no rate limit",
        op="export",
        count=20_000,
        quick_count=2_000,
        entries=_ALL,
    ),
    Scenario(
        key="create",
        number="2",
        title="Create pages, no rate limit",
        op="create",
        count=20_000,
        quick_count=2_000,
        entries=_CREATE,
    ),
    Scenario(
        key="create-limited",
        number="3",
        title="Create pages at 190 req/10 s, 0.5 s latency",
        op="create",
        count=20_000,
        quick_count=4_000,
        # The floor has no limiter and no retries: against a limit it only measures 429s.
        # 19 requests/s at 0.5 s latency needs about 10 in flight; 32 leaves room for the
        # emulator's own CPU time per 100-page batch, which queues requests on a slow
        # machine (16 in flight reached only 78% of the ceiling on 2026-11-30, where the
        # machine ran the peers 2.3x slower than on 2026-11-23).
        entries=(
            Entry(OURS, OURS, concurrency=32),
            Entry(f"{OURS} (headroom 0)", OURS, concurrency=32, headroom=0.0),
            Entry(f"{OURS} (headroom 0, margin 0)", OURS, concurrency=32, headroom=0.0, margin=0.0),
            # Latency-bound and slow (about 1 and 2.5 minutes): one run each.
            Entry(SDK, SDK, max_rounds=1),
            Entry(API_CLIENT, API_CLIENT, max_rounds=1),
        ),
        emulator=EmulatorOptions(rate_limit=LIMIT, latency=0.5),
    ),
    # Issue 14: the size of a real migration, where the opening burst no longer hides the
    # steady state (at 20,000 pages a tenth of the requests go in the first window).
    Scenario(
        key="create-limited-100k",
        number="3b",
        title="Create 100,000 pages at 190 req/10 s, 0.5 s latency",
        op="create",
        count=100_000,
        quick_count=20_000,
        entries=(Entry(OURS, OURS, concurrency=32),),
        emulator=EmulatorOptions(rate_limit=LIMIT, latency=0.5),
        single_round=True,
        timeout_s=1800.0,
    ),
    Scenario(
        key="export-limited",
        number="4",
        title="Export at 190 req/10 s, 0.3 s latency",
        op="export",
        count=20_000,
        quick_count=2_000,
        # 200 requests: more than one window's 190, so the limiter, not a burst, sets the pace.
        # A single cursor chain is latency-bound (over a minute per run): one run each.
        entries=(
            Entry(f"{OURS} (8 shards)", OURS, shards=8),
            Entry(f"{OURS} (one chain)", OURS, shards=1, max_rounds=1),
            Entry(SDK, SDK, max_rounds=1),
            Entry(API_CLIENT, API_CLIENT, max_rounds=1),
        ),
        emulator=EmulatorOptions(rate_limit=LIMIT, latency=0.3),
    ),
    Scenario(
        key="memory-create",
        number="5a",
        title="Memory: streamed create_many",
        op="create",
        count=1_000_000,
        quick_count=50_000,
        entries=(Entry(f"{OURS} (collect=False)", OURS, collect=False),),
        emulator=None,
        single_round=True,
        timeout_s=3600.0,
        sink=True,
    ),
    Scenario(
        key="memory-export",
        number="5b",
        title="Memory: streamed export",
        op="export",
        count=1_000_000,
        quick_count=50_000,
        entries=(Entry(OURS, OURS),),
        # The emulator itself, seeded with generated pages (``seeded.py``): a million
        # pages per kind in a bounded amount of its own memory.
        emulator=EmulatorOptions(),
        single_round=True,
        timeout_s=3600.0,
    ),
    Scenario(
        key="decode",
        number="6",
        title="Decode one 100-page list response into the client's models",
        op="decode",
        count=100,
        quick_count=100,
        entries=_ALL,
        emulator=None,
        timeout_s=120.0,
    ),
)

_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "memory": ("memory-create", "memory-export"),
    "5": ("memory-create", "memory-export"),
}


#: The default run order: the long memory runs (whose result does not depend on CPU
#: contention) first, the CPU-bound throughput comparisons last, when a shared machine
#: is most likely to have quietened down.
RUN_ORDER: Final = (
    "memory-create",
    "memory-export",
    "create-limited",
    "create-limited-100k",
    "export-limited",
    "create",
    "export",
    "decode",
)


def select(names: list[str]) -> list[Scenario]:
    """Scenarios by key or number (``export``, ``3``, ``memory``); all when ``names`` is empty
    (in :data:`RUN_ORDER`)."""
    if not names:
        names = list(RUN_ORDER)
    by_name = {s.key: s for s in SCENARIOS} | {s.number: s for s in SCENARIOS}
    chosen: list[Scenario] = []
    for name in names:
        keys = _ALIASES.get(name, (name,))
        for key in keys:
            if key not in by_name:
                raise KeyError(f"unknown scenario {name!r}; one of {sorted(by_name)}")
            if by_name[key] not in chosen:
                chosen.append(by_name[key])
    return chosen
