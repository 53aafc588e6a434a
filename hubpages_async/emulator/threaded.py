"""Run an :class:`Emulator` on its own event loop in a background thread.

An emulator that owns its loop serves whatever the calling code does: a plain sync test,
a test on anyio's or pytest-asyncio's loop (of any scope), or a whole test session. This
is what the pytest fixtures use, so they work under every async test plugin::

    with EmulatorThread(lambda: Emulator(rate_limit=None, seed_pages=10)) as emu:
        ...  # any client, sync or async, pointed at emu.url

Read ``emu.store`` and ``emu.request_log`` between requests (after your calls returned),
not while the emulator is answering them.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from .server import Emulator

__all__ = ["EmulatorFactory", "EmulatorThread"]

P = ParamSpec("P")
R = TypeVar("R")

#: How long starting or stopping may take before it counts as hung.
_TIMEOUT = 60.0


class EmulatorThread:
    """A context manager: ``make()`` builds the emulator inside a new thread's loop, which
    serves until ``stop()`` (or the end of the ``with`` block)."""

    def __init__(self, make: Callable[[], Emulator] = Emulator) -> None:
        self._make = make
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._emulator: Emulator | None = None

    def start(self) -> Emulator:
        """Start serving; returns once the port is bound (or raises what went wrong)."""
        if self._thread is not None:
            raise RuntimeError("this EmulatorThread was already started")
        self._thread = threading.Thread(target=self._run, name="hubpages-emulator", daemon=True)
        self._thread.start()
        if not self._ready.wait(_TIMEOUT):
            raise RuntimeError(f"the emulator did not start within {_TIMEOUT:.0f} s")
        if self._error is not None:
            self._thread.join(_TIMEOUT)
            raise self._error
        assert self._emulator is not None
        return self._emulator

    def stop(self) -> None:
        """Stop serving, release the port and wait for the thread to end."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None or loop is None or stopping is None:
            return
        if thread.is_alive():
            loop.call_soon_threadsafe(stopping.set)
            thread.join(_TIMEOUT)
            if thread.is_alive():
                raise RuntimeError(f"the emulator did not stop within {_TIMEOUT:.0f} s")
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        emulator: Emulator | None = None
        try:
            emulator = self._make()
            await emulator.start()
        except BaseException as exc:  # handed to the thread that called start()
            if emulator is not None:
                await emulator.close()
            self._error = exc
            self._ready.set()
            return
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self._emulator = emulator
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            try:
                await emulator.close()
            except BaseException as exc:  # reported by stop()
                self._error = exc

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _arguments_of(
    cls: Callable[P, object],
) -> Callable[[Callable[..., R]], Callable[Concatenate[Any, P], R]]:
    """Give a ``(self, *args, **kwargs)`` method the signature of ``cls``'s constructor,
    so the type checker checks every keyword without a second copy of the list."""

    def typed(method: Callable[..., R]) -> Callable[Concatenate[Any, P], R]:
        return method

    return typed


class EmulatorFactory:
    """Starts emulators on demand (each in its own thread) and stops them all on
    :meth:`close`. Calling it takes :class:`Emulator`'s arguments::

        emu = emulator_factory(faults="503=0.2", fault_seed=7, rate_limit=None)
    """

    def __init__(self) -> None:
        self._threads: list[EmulatorThread] = []

    def _start(self, *args: Any, **kwargs: Any) -> Emulator:
        thread = EmulatorThread(lambda: Emulator(*args, **kwargs))
        emulator = thread.start()
        self._threads.append(thread)
        return emulator

    __call__ = _arguments_of(Emulator)(_start)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every emulator this factory started, newest first."""
        errors: list[BaseException] = []
        while self._threads:
            try:
                self._threads.pop().stop()
            except BaseException as exc:
                errors.append(exc)
        if errors:
            raise errors[0]
