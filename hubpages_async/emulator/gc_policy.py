"""How write handlers treat Python's cyclic garbage collector.

A write handler decodes a body, stores the pages it describes and encodes the answer:
thousands of new containers and no reference cycles. Measured on a 100-page batch
create, collections set off while the store grows cost about as much CPU as the work
itself (13 of 33 ms), and can free nothing. So write handlers always run with the
collector paused; and an emulator that owns its process (``python -m
hubpages_async.emulator`` and ``hubpages emulator``) also freezes what the handler
stored (``gc.freeze``: moved out of every future collection), since stored pages live
until they are deleted and are freed by reference counting then. In-process emulators
(tests, ``Emulator()``) do not freeze: the host process's objects would be frozen too.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TypeVar

__all__ = ["WriteGc"]

A = TypeVar("A")
R = TypeVar("R")


class WriteGc:
    """Runs write handlers with the collector paused (and, with ``freeze``, frozen after)."""

    def __init__(self, *, freeze: bool = False) -> None:
        self.freeze = freeze

    def run(self, func: Callable[[A], R], arg: A) -> R:
        """``func(arg)`` with the cyclic collector paused; the caller's setting is kept."""
        if not gc.isenabled():
            return func(arg)
        gc.disable()
        try:
            return func(arg)
        finally:
            if self.freeze:
                gc.freeze()
            gc.enable()
