"""pytest fixtures for testing code against the emulator (registered via ``pytest11``).

- ``hubspot_emulator``: a running :class:`Emulator` with HubSpot's defaults (any Bearer
  token, 100 requests / 10 s, no faults), new for each test;
- ``hubspot_emulator_session``: one emulator shared by the whole session (faster for
  large suites; tests see each other's pages, so assert on what your test created);
- ``emulator_factory``: ``emulator_factory(**Emulator arguments)`` starts emulators with
  any options (typed: mypy checks the keywords) and stops them all at teardown.

::

    async def test_my_sync(hubspot_emulator):
        ...  # point your client at hubspot_emulator.url

    def test_flaky(emulator_factory: EmulatorFactory):
        emu = emulator_factory(faults="503=0.2", fault_seed=7, rate_limit=None)

They are plain (sync) fixtures: each emulator serves from its own event loop in a
background thread. So they work the same in async tests under anyio's plugin, under
pytest-asyncio in strict or auto mode (with any loop scope), and in sync tests (e.g. a
test that runs ``asyncio.run(...)`` or a subprocess). Assertions can read ``emu.store``
(pages, drafts, revisions, folders per portal) and ``emu.request_log`` (every accepted
request) once the test's calls have returned.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import Emulator
from .threaded import EmulatorFactory, EmulatorThread

__all__ = [
    "EmulatorFactory",
    "emulator_factory",
    "hubspot_emulator",
    "hubspot_emulator_session",
]


@pytest.fixture
def hubspot_emulator() -> Iterator[Emulator]:
    """A running emulator on 127.0.0.1 (random port), stopped after the test."""
    with EmulatorThread() as emu:
        yield emu


@pytest.fixture(scope="session")
def hubspot_emulator_session() -> Iterator[Emulator]:
    """One running emulator for the whole test session (127.0.0.1, random port)."""
    with EmulatorThread() as emu:
        yield emu


@pytest.fixture
def emulator_factory() -> Iterator[EmulatorFactory]:
    """``emulator_factory(**Emulator arguments)`` -> a started emulator."""
    with EmulatorFactory() as factory:
        yield factory
