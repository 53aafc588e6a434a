"""The aiohttp application: routes for the 66 operations under both API prefixes.

Every request goes through one wrapper (:meth:`EmulatorApp.wrap`) in this order:
authenticate (401) -> rate limit (429, not counted) -> request log -> scopes (403) ->
fault draw -> latency -> error faults (before any change) / ``reset`` -> handler ->
``drop`` / ``truncate`` / ``slow`` (after the change is committed).

HubSpot counts a request against its rate window at its edge, on arrival. The handlers
(decoding a 100-page body, storing the pages, encoding the answer: tens of milliseconds of
CPU) therefore run on one worker thread, the *store thread*, in arrival order, while the
event loop stays free to read and stamp the requests that come in meanwhile. Run on the
loop, a burst of batch creates held each new arrival until the ones before it were done,
and a client that paced its sends exactly saw some of one window's counted in the next
(``python -m benchmarks.stamp_lag``: under scenario 3b's load the 95th percentile of
that lag fell from 108 ms to 22 ms). Everything that touches the store (handlers, batch
polls, the sqlite write-back) runs on that one thread, so it needs no locks.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final, TypeVar

from aiohttp import web

from .auth import Authenticator, Principal, TokenSpec
from .batches import JOB_PATH, BatchJobs
from .errors import ApiError, error_body
from .faults import ERROR_KINDS, FaultPicker, FaultPlan, parse_faults
from .gc_policy import WriteGc
from .guards import error_response, read_body, size_guard
from .handlers import Ctx, Handler, Reply, folder_handlers, page_handlers
from .limits import RateLimit, RateLimiter, parse_rate_limit
from .store import Store

__all__ = ["PREFIXES", "EmulatorApp", "RequestRecord"]

_log = logging.getLogger(__name__)

R = TypeVar("R")

#: The documented prefix and its date-versioned twin (the new official SDK uses the latter).
PREFIXES: Final = ("/cms/v3/pages", "/cms/pages/2026-03")

_SCOPES: Final = {
    ("site-pages", "read"): frozenset({"content", "content.site_pages.read"}),
    ("site-pages", "write"): frozenset({"content"}),
    ("site-pages", "ml"): frozenset({"content", "content.site_pages.write"}),
    ("landing-pages", "read"): frozenset({"content", "content.landing_pages.read"}),
    ("landing-pages", "write"): frozenset({"content", "content.landing_pages.write"}),
    ("landing-pages", "ml"): frozenset({"content", "content.landing_pages.write"}),
}

_ERROR_MESSAGES: Final = {
    500: ("INTERNAL_ERROR", "Internal error (injected fault)"),
    502: ("BAD_GATEWAY", "Bad gateway (injected fault)"),
    503: ("SERVICE_UNAVAILABLE", "Service temporarily unavailable (injected fault)"),
    504: ("GATEWAY_TIMEOUT", "Gateway timeout (injected fault)"),
    # HubSpot's 423: "Locks will last for 2 seconds".
    423: ("LOCKED", "The resource is locked; retry after at least 2 seconds (injected fault)"),
}


@dataclass(slots=True)
class RequestRecord:
    """One request the rate limiter accepted (``status`` 0: no response was sent)."""

    time: float  # admission time on the emulator's monotonic clock (time.monotonic)
    token_id: str
    portal: int
    method: str
    path: str
    operation: str
    status: int = 0
    fault: str | None = None
    #: The ``X-HubSpot-Correlation-Id`` header of the answer (answers that carry one).
    correlation_id: str | None = None


class EmulatorApp:
    """State and configuration shared by every request of one emulator."""

    def __init__(
        self,
        *,
        store: Store,
        rate_limit: str | RateLimit | None = "100/10s",
        daily_limit: int | None = 250_000,
        max_batch: int = 100,
        latency: float = 0.0,
        jitter: float = 0.0,
        faults: str | FaultPlan | None = None,
        fault_seed: int = 0,
        tokens: Iterable[str | TokenSpec] | None = None,
        async_batches: bool = False,
        clock: Callable[[], float] = time.monotonic,
        slow_chunk_delay: float = 0.02,
        stamp_lag: float | Callable[[int], float] = 0.0,
        record_attempts: bool = False,
        max_body: int = 64 * 1024 * 1024,
        freeze_gc: bool = False,
    ) -> None:
        self.store = store
        self.max_body = max_body
        self.write_gc = WriteGc(freeze=freeze_gc)
        self.auth = Authenticator(tokens)
        self.limiter = RateLimiter(
            parse_rate_limit(rate_limit), daily_limit, clock=clock, record_attempts=record_attempts
        )
        #: Test-only: each request waits a random 0..stamp_lag seconds before the rate
        #: window counts it (a queue between the client and the server's counter); a
        #: callable is given the request's arrival number (from 1) and returns its wait,
        #: so a test can make a few requests at a window's edge late and no others.
        self.stamp_lag = stamp_lag
        self._arrivals = 0
        self._lag_rng = random.Random(fault_seed + 1)
        self.max_batch = max_batch
        self.latency = latency
        self.jitter = jitter
        self.picker = FaultPicker(parse_faults(faults), fault_seed)
        self._latency_rng = random.Random(fault_seed)
        self.async_batches = async_batches
        self.jobs = BatchJobs()
        self.request_log: list[RequestRecord] = []
        self.slow_chunk_delay = slow_chunk_delay
        #: called after every mutating request (sqlite persistence flush)
        self.after_write: Callable[[], None] | None = None
        #: The one thread that runs handlers and touches the store (see the module's doc).
        self._store_thread: ThreadPoolExecutor | None = None

    async def in_store_thread(self, func: Callable[..., R], *args: object) -> R:
        """Run ``func(*args)`` on the store thread, after everything submitted before it."""
        if self._store_thread is None:
            self._store_thread = ThreadPoolExecutor(1, thread_name_prefix="emulator-store")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._store_thread, functools.partial(func, *args))

    def _stamp_wait(self) -> float:
        """How long this request waits before the window counts it (``stamp_lag``)."""
        self._arrivals += 1
        if callable(self.stamp_lag):
            return self.stamp_lag(self._arrivals)
        return self._lag_rng.uniform(0, self.stamp_lag)

    def close(self) -> None:
        """Stop the store thread (after the handlers already submitted to it)."""
        if self._store_thread is not None:
            self._store_thread.shutdown(wait=True)
            self._store_thread = None

    @property
    def faults(self) -> FaultPlan | None:
        """The active fault plan."""
        return self.picker.plan

    @faults.setter
    def faults(self, value: str | FaultPlan | None) -> None:
        self.picker.plan = parse_faults(value)

    # -- the wrapper ------------------------------------------------------------------------
    def wrap(
        self, handler: Handler, kind: str, scopes: frozenset[str] | None, operation: str, base: str
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Build the aiohttp handler of one operation."""
        store, auth, limiter, log = self.store, self.auth, self.limiter, self.request_log
        write_gc = self.write_gc
        writes = operation not in _READ_ONLY_OPS

        def run_handler(
            request: web.Request,
            principal: Principal,
            body: bytes,
            cancel: bool,
            rng: random.Random,
        ) -> Reply:
            """The handler itself, on the store thread (the sqlite write-back after it)."""
            ctx = Ctx(
                request,
                principal,
                store.portal(principal.portal),
                kind,
                base,
                body,
                cancel,
                rng,
                store,
                self.jobs,
                self.max_batch,
                self.async_batches,
            )
            try:
                return write_gc.run(handler, ctx) if writes else handler(ctx)
            finally:
                if writes and self.after_write is not None:
                    self.after_write()

        async def handle(request: web.Request) -> web.StreamResponse:
            if self.stamp_lag:
                await asyncio.sleep(self._stamp_wait())
            try:
                principal = auth.authenticate(request.headers.get("Authorization"))
                admitted, headers = limiter.admit(principal.token_id, principal.portal)
            except ApiError as err:
                return _error_response(err, err.headers)
            record = RequestRecord(
                admitted,
                principal.token_id,
                principal.portal,
                request.method,
                request.path,
                operation,
            )
            log.append(record)
            fault: str | None = None
            try:
                if scopes is not None:
                    auth.require(principal, scopes)
                body = await read_body(request)
                picker = self.picker
                if picker.plan is not None:
                    fault, cancel, rng = picker.pick(
                        request.method, request.path, request.path_qs, body
                    )
                else:
                    fault, cancel, rng = None, False, self._latency_rng
                record.fault = fault
                if self.latency or self.jitter:
                    await asyncio.sleep(self.latency + self._latency_rng.uniform(0, self.jitter))
                if fault in ERROR_KINDS:
                    if fault == "429":
                        self._limit_headers(headers)
                    raise _fault_error(int(fault or 0), principal.token_id)
                if fault == "reset":
                    return _close(request, record)
                status, payload, extra = await self.in_store_thread(
                    run_handler, request, principal, body, cancel, rng
                )
            except ApiError as err:
                record.status = err.status
                headers.update(err.headers)
                return _error_response(err, headers)
            except (web.HTTPException, asyncio.CancelledError):
                raise
            except Exception:
                # An emulator bug still answers like HubSpot would: a JSON 500.
                _log.exception("emulator error in %s %s", request.method, request.path)
                record.status = 500
                bug = ApiError(500, "INTERNAL_ERROR", f"internal emulator error in {operation}")
                return _error_response(bug, headers)
            if extra:
                headers.update(extra)
            record.status = status
            if fault == "drop":
                record.status = 0
                return _close(request, record)
            if fault in ("truncate", "slow") and payload:
                return await self._stream(
                    request, status, payload, headers, truncate=fault == "truncate"
                )
            record.correlation_id = str(uuid.uuid4())
            headers["X-HubSpot-Correlation-Id"] = record.correlation_id
            if payload is None:
                return web.Response(status=status, headers=headers)
            headers["Content-Type"] = "application/json;charset=utf-8"
            return web.Response(status=status, body=payload, headers=headers)

        return handle

    def _limit_headers(self, headers: dict[str, str]) -> None:
        """An injected 429 looks like a real ten-secondly refusal, headers included."""
        rate = self.limiter.rate
        headers.setdefault("X-HubSpot-RateLimit-Max", str(rate.requests if rate else 100))
        window_ms = int(rate.window * 1000) if rate else 10_000
        headers.setdefault("X-HubSpot-RateLimit-Interval-Milliseconds", str(window_ms))
        headers["X-HubSpot-RateLimit-Remaining"] = "0"

    async def _stream(
        self,
        request: web.Request,
        status: int,
        payload: bytes,
        headers: dict[str, str],
        *,
        truncate: bool,
    ) -> web.StreamResponse:
        headers["Content-Type"] = "application/json;charset=utf-8"
        resp = web.StreamResponse(status=status, headers=headers)
        resp.content_length = len(payload)
        await resp.prepare(request)
        if truncate:
            await resp.write(payload[: max(1, len(payload) // 2)])
            # The body promised Content-Length bytes; cut the connection half way.
            transport = request.transport
            if transport is not None:
                transport.close()
            return resp
        step = max(1, len(payload) // 8)
        for start in range(0, len(payload), step):
            await resp.write(payload[start : start + step])
            await asyncio.sleep(self.slow_chunk_delay)
        await resp.write_eof()
        return resp

    async def poll_batch(self, request: web.Request) -> web.StreamResponse:
        """GET /emulator/batches/{jobId}: the async-batch status link."""
        try:
            principal = self.auth.authenticate(request.headers.get("Authorization"))
            admitted, headers = self.limiter.admit(principal.token_id, principal.portal)
        except ApiError as err:
            return _error_response(err, err.headers)
        record = RequestRecord(
            admitted, principal.token_id, principal.portal, "GET", request.path, "pollBatch"
        )
        self.request_log.append(record)
        try:
            status, payload = await self.in_store_thread(
                self.jobs.poll, request.match_info["jobId"], principal.portal
            )
        except ApiError as err:
            record.status = err.status
            return _error_response(err, headers)
        record.status = status
        record.correlation_id = str(uuid.uuid4())  # every HubSpot answer carries one
        headers["X-HubSpot-Correlation-Id"] = record.correlation_id
        headers["Content-Type"] = "application/json;charset=utf-8"
        return web.Response(status=status, body=payload, headers=headers)

    def build(self) -> web.Application:
        """The aiohttp application with every route mounted under both prefixes."""
        app = web.Application(client_max_size=self.max_body, middlewares=[size_guard])
        router = app.router
        for prefix in PREFIXES:
            # Folders first: "/landing-pages/folders" would otherwise match "/{objectId}".
            base = f"{prefix}/landing-pages/folders"
            for method, suffix, handler, scope, op in _static_first(folder_handlers):
                scopes = _SCOPES[("landing-pages", scope)]
                router.add_route(
                    method,
                    base + suffix,
                    self.wrap(handler, "landing-pages/folders", scopes, op, base),
                )
            for kind in ("site-pages", "landing-pages"):
                base = f"{prefix}/{kind}"
                for method, suffix, handler, scope, op in _static_first(page_handlers):
                    scopes = _SCOPES[(kind, scope)]
                    router.add_route(
                        method, base + suffix, self.wrap(handler, kind, scopes, op, base)
                    )
        router.add_get(JOB_PATH + "{jobId}", self.poll_batch)
        router.add_route("*", "/{tail:.*}", _unknown_route)
        return app


_READ_ONLY_OPS: Final = frozenset(
    {
        "getPage",
        "getById",
        "getDraftById",
        "getPreviousVersions",
        "getPreviousVersion",
        "readBatch",
        "getFoldersPage",
        "getFolderById",
        "getFolderPreviousVersions",
        "getFolderPreviousVersion",
        "readFolders",
    }
)


def _static_first(
    table: list[tuple[str, str, Handler, str, str]],
) -> list[tuple[str, str, Handler, str, str]]:
    return sorted(table, key=lambda row: "{" in row[1])


def _fault_error(status: int, token_id: str) -> ApiError:
    if status == 429:
        return ApiError(
            429,
            "RATE_LIMITS",
            "You have reached your ten_secondly_rolling limit.",
            extra={
                "errorType": "RATE_LIMIT",
                "policyName": "TEN_SECONDLY_ROLLING",
                "groupName": f"publicapi:private_app-api-calls-ten-secondly:{token_id}",
            },
        )
    category, message = _ERROR_MESSAGES[status]
    return ApiError(status, category, message)


def _error_response(err: ApiError, headers: dict[str, str]) -> web.Response:
    return error_response(err, headers)


def _close(request: web.Request, record: RequestRecord) -> web.StreamResponse:
    """Close the connection without answering (the ``reset`` and ``drop`` faults)."""
    record.status = 0
    transport = request.transport
    if transport is not None:
        transport.close()
    raise _ConnectionClosed


class _ConnectionClosed(web.HTTPException):
    """Raised after closing the transport so aiohttp writes nothing more."""

    status_code = 500


async def _unknown_route(request: web.Request) -> web.Response:
    message = f"No operation {request.method} {request.path}"
    return web.Response(
        status=404,
        body=error_body("OBJECT_NOT_FOUND", message),
        content_type="application/json",
    )
