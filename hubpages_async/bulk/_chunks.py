"""Streaming chunker: turn any input source into numbered chunks without reading it whole.

A bulk job may be fed a list, a generator of a million pages or an async iterator over
a file; all three are consumed lazily, so the only inputs held in memory are the ones
in the chunk being built (the job's bounded streams limit how many chunks are in flight).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import TypeVar

__all__ = ["Inputs", "iter_chunks"]

T = TypeVar("T")

#: What a bulk job accepts: anything iterable, sync or async.
Inputs = Iterable[T] | AsyncIterable[T]


async def iter_chunks(inputs: Inputs[T], size: int) -> AsyncIterator[list[tuple[int, T]]]:
    """Yield ``[(input_index, input), ...]`` lists of at most ``size`` items, in input order.

    >>> [c async for c in iter_chunks("abc", 2)]  # doctest: +SKIP
    [[(0, 'a'), (1, 'b')], [(2, 'c')]]
    """
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    chunk: list[tuple[int, T]] = []
    if isinstance(inputs, AsyncIterable):
        index = 0
        async for item in inputs:
            chunk.append((index, item))
            index += 1
            if len(chunk) == size:
                yield chunk
                chunk = []
    else:
        for index, item in enumerate(inputs):
            chunk.append((index, item))
            if len(chunk) == size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk
