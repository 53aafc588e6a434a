"""A server that goes away mid-job stops the job: the rest is reported not sent.

The proxy in front of the emulator stops listening after a few chunks, so every later
connection is refused. The job must not try each remaining chunk through all its retries
and lookups (minutes on a large file): the inputs it never sent are reported
``NOT_SENT``, the few whose outcome the lost server left open ``OUTCOME_UNKNOWN`` and
pending in the journal, and a rerun against the server, once it answers, creates every
input exactly once.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from fault_proxy import FaultProxy

from hubpages_async import errors
from hubpages_async.batch import BatchProgress
from hubpages_async.emulator import Emulator
from hubpages_async.journal import Journal

from ._emu import FAST_POLL, fast_client, page_inputs, slug_counts

pytestmark = pytest.mark.timeout(60)

INPUTS, CHUNK, CONCURRENCY = 400, 10, 2
NOT_SENT, OUTCOME_UNKNOWN = "NOT_SENT", "OUTCOME_UNKNOWN"


async def test_a_server_gone_mid_job_stops_it_and_the_rerun_creates_each_input_once(
    tmp_path: Path,
) -> None:
    journal = tmp_path / "job.journal"
    async with Emulator(rate_limit=None) as emu:
        proxy = FaultProxy(emu.url, lambda _n, _method, _path: "pass")
        await proxy.__aenter__()
        gone = False

        async def stop_the_server(event: BatchProgress[object]) -> None:
            nonlocal gone
            if not gone and event.chunks_done >= 3:
                gone = True
                await proxy.__aexit__(None, None, None)

        async with fast_client(emu, base_url=proxy.url) as hs:
            report = await hs.site_pages.create_many(
                page_inputs(INPUTS),
                chunk_size=CHUNK,
                concurrency=CONCURRENCY,
                journal=Journal(journal),
                on_progress=stop_the_server,
                poll=FAST_POLL,
                max_rounds=3,
            )
        created = len(emu.store.pages("site-pages"))
        assert gone
        assert report.succeeded + report.failed == INPUTS
        categories = {f.category for f in report.failures}
        assert categories <= {NOT_SENT, OUTCOME_UNKNOWN}, categories
        not_sent = [f for f in report.failures if f.category == NOT_SENT]
        # Only the chunks already being sent when the server went could meet it: at most
        # one per worker, beyond the three done.
        assert len(not_sent) >= INPUTS - created - CONCURRENCY * CHUNK
        for failure in not_sent:
            assert isinstance(failure.error, errors.APIConnectionError)
            assert failure.error.request_sent is False

        # The server answers again: the rerun finishes the job, each input once.
        async with fast_client(emu) as hs:
            rerun = await hs.site_pages.create_many(
                page_inputs(INPUTS),
                chunk_size=CHUNK,
                concurrency=CONCURRENCY,
                journal=Journal(journal),
                poll=FAST_POLL,
            )
        assert rerun.failed == 0
        counts = slug_counts(emu)
        assert len(counts) == INPUTS
        assert set(counts.values()) == {1}


async def test_a_server_that_refuses_every_connection_gets_no_lookup_and_nothing_unknown(
    tmp_path: Path,
) -> None:
    """A refused connection proves the request never reached the server: the inputs of
    the chunks that met it are NOT_SENT, like the rest, not OUTCOME_UNKNOWN after a
    lookup that could only be refused too (which also left them pending for the rerun
    to look up again)."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    journal = tmp_path / "job.journal"
    async with Emulator(rate_limit=None) as emu:
        async with fast_client(emu, base_url=dead) as hs:
            report = await hs.site_pages.create_many(
                page_inputs(40),
                chunk_size=CHUNK,
                concurrency=CONCURRENCY,
                journal=Journal(journal),
                poll=FAST_POLL,
            )
        assert report.succeeded == 0
        assert {f.category for f in report.failures} == {NOT_SENT}
        assert report.reconciled == 0
        entries = Journal(journal)
        entries.open_sync("create")
        try:
            assert {e.state for e in entries.entries_sync()} == {"failed"}
        finally:
            entries.close_sync()
        # Nothing to look up, so the rerun against the live server just sends.
        async with fast_client(emu) as hs:
            rerun = await hs.site_pages.create_many(
                page_inputs(40), chunk_size=CHUNK, journal=Journal(journal), poll=FAST_POLL
            )
        assert rerun.failed == 0
        assert not [r for r in emu.request_log if r.method == "GET"]
        assert set(slug_counts(emu).values()) == {1}
