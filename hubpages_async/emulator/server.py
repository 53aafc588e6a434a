"""``Emulator``: run the HubSpot stand-in on a local port as an async context manager."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Self

from aiohttp import web

from .app import EmulatorApp, RequestRecord
from .auth import TokenSpec
from .faults import FaultPlan
from .guards import PARSER_LIMITS
from .limits import RateLimit
from .page_rules import PAGE_KINDS
from .seeded import install, seed_lazily
from .store import Store

if TYPE_CHECKING:
    from .persist import SqlitePersistence

__all__ = ["Emulator"]


class Emulator:
    """A running HubSpot CMS Pages API emulator.

    Example::

        async with Emulator(seed_pages=50, rate_limit=None) as emu:
            async with aiohttp.ClientSession() as s:
                r = await s.get(f"{emu.url}/cms/v3/pages/site-pages",
                                headers={"Authorization": "Bearer anything"})
            assert len(emu.store.pages("site-pages")) == 50

    Arguments mirror the command line: ``rate_limit`` ("100/10s", a RateLimit or None),
    ``daily_limit`` (None: unlimited), ``max_batch``, ``latency``/``jitter`` (seconds added
    to every answer), ``faults`` (see ``faults.py``) under ``fault_seed``, ``tokens``
    (``TOKEN[@PORTAL][:scopes]`` specs; None accepts any Bearer token in portal 1),
    ``async_batches``, ``state`` (an sqlite file that survives restarts) and
    ``seed_pages`` (that many realistic pages of each kind in every known portal, created
    once when the state is empty). ``max_body`` caps a request body (a bigger one is a
    JSON 413). ``freeze_gc`` (for an emulator that owns its process) freezes what write
    handlers store out of the cyclic collector (see ``gc_policy.py``). ``clock`` is the
    monotonic clock of the rate window and request log; ``wall_clock`` the clock of page
    timestamps. Test-only: ``stamp_lag`` makes each request wait a random 0..stamp_lag
    seconds before the rate window counts it (or, a callable, the wait it returns for the
    request's arrival number); ``record_attempts`` keeps every counted or
    refused request in ``app.limiter.attempts``.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed_pages: int = 0,
        rate_limit: str | RateLimit | None = "100/10s",
        daily_limit: int | None = 250_000,
        max_batch: int = 100,
        latency: float = 0.0,
        jitter: float = 0.0,
        faults: str | FaultPlan | None = None,
        fault_seed: int = 0,
        tokens: Iterable[str | TokenSpec] | None = None,
        async_batches: bool = False,
        state: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        seed: int = 0,
        stamp_lag: float | Callable[[int], float] = 0.0,
        record_attempts: bool = False,
        max_body: int = 64 * 1024 * 1024,
        freeze_gc: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.seed_pages = seed_pages
        self.seed = seed
        self.state_path = state
        self.store = Store(wall_clock=wall_clock)
        self.app = EmulatorApp(
            store=self.store,
            rate_limit=rate_limit,
            daily_limit=daily_limit,
            max_batch=max_batch,
            latency=latency,
            jitter=jitter,
            faults=faults,
            fault_seed=fault_seed,
            tokens=list(tokens) if tokens is not None else None,
            async_batches=async_batches,
            clock=clock,
            stamp_lag=stamp_lag,
            record_attempts=record_attempts,
            max_body=max_body,
            freeze_gc=freeze_gc,
        )
        self._runner: web.AppRunner | None = None
        self._persist: object | None = None
        self.url = ""

    # -- state for assertions -------------------------------------------------------------
    @property
    def request_log(self) -> list[RequestRecord]:
        """Every request the rate limiter accepted, in arrival order."""
        return self.app.request_log

    @property
    def faults(self) -> FaultPlan | None:
        """The active fault plan; assign a spec string (or None) to change it at runtime."""
        return self.app.faults

    @faults.setter
    def faults(self, value: str | FaultPlan | None) -> None:
        self.app.faults = value

    # -- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        """Load state, seed pages, bind the port."""
        persist = None
        if self.state_path is not None:
            from .persist import SqlitePersistence

            persist = SqlitePersistence(self.state_path, self.store)
            # Generated pages first, then the stored records that override them.
            for portal_id, kind, plan in persist.seed_plans():
                install(self.store.portal(portal_id), kind, plan)
                self.store.reserve_past(
                    plan.base + plan.n + plan.n_ab, plan.revision_base + 4 * plan.n
                )
            persist.load()
            self.app.after_write = persist.flush
            self._persist = persist
        if self.seed_pages:
            self._seed(persist)
        if self.app.write_gc.freeze:
            gc.collect()
            gc.freeze()  # the loaded and seeded state lives as long as the process
        runner = web.AppRunner(
            self.app.build(), access_log=None, handle_signals=False, **PARSER_LIMITS
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        await site.start()
        self._runner = runner
        addr = runner.addresses[0]
        self.port = int(addr[1])
        host = self.host if ":" not in self.host else f"[{self.host}]"
        self.url = f"http://{host}:{self.port}"

    def _seed(self, persist: SqlitePersistence | None) -> None:
        for portal_id in sorted(self.app.auth.portals):
            portal = self.store.portal(portal_id)
            if any(portal.pages[k].records for k in PAGE_KINDS):
                continue  # a state file already holds pages: never seed twice
            # Generated on demand (seeded.py): a million pages start in a second.
            plans = seed_lazily(portal, self.seed_pages, self.seed)
            if persist is not None:
                for kind, plan in plans.items():
                    persist.save_seed_plan(portal_id, kind, plan)
        if self.app.after_write is not None:
            self.app.after_write()

    async def close(self) -> None:
        """Stop serving and release the port (and the state file)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.app.close()
        persist = self._persist
        if persist is not None:
            from .persist import SqlitePersistence

            assert isinstance(persist, SqlitePersistence)
            persist.close()
            self._persist = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
