"""Polling a batch envelope that is not terminal yet (facts file, section 4).

HubSpot's batch endpoints answer synchronously today, but the envelope is HubSpot-wide
and already carries ``PENDING``/``PROCESSING``. The project's decision: poll the URL
the envelope gives (``links.status``, else ``links.self``) with backoff and a deadline
until ``COMPLETE`` or ``CANCELED``; a non-terminal envelope with no link is an
``IncompleteBatch`` outcome, never success.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import anyio

from ..models import BatchResponse

__all__ = ["IncompleteBatch", "PollPolicy", "Polled", "RequestClient", "poll_batch"]

T = TypeVar("T")


class RequestClient(Protocol):
    """The part of ``HubPages`` polling needs: the ``request`` escape hatch."""

    async def request(self, method: str, path: str, /, **kwargs: Any) -> Any:
        """Send one request (an absolute URL on the client's host is accepted)."""
        ...


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """How to wait for a non-terminal batch.

    The delay starts at ``initial_delay`` and grows by ``multiplier`` up to
    ``max_delay``; polling gives up after ``deadline`` seconds or ``max_polls`` polls.
    ``sleep`` is injectable so tests need not wait in real time.

    The same policy paces the bulk layer's other waits: ``settle_delay`` before looking
    up a create whose outcome is unknown (HubSpot's list may lag a write that just
    committed), and the backoff between resubmissions of a chunk.
    """

    initial_delay: float = 0.5
    max_delay: float = 10.0
    multiplier: float = 2.0
    deadline: float = 600.0
    max_polls: int = 1000
    settle_delay: float = 1.0
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep


@dataclass(frozen=True, slots=True)
class IncompleteBatch:
    """A batch that never reached COMPLETE or CANCELED: ``reason`` says why."""

    status: str
    reason: str
    poll_url: str | None


@dataclass(frozen=True, slots=True)
class Polled:
    """The terminal envelope (or the incomplete outcome) and the number of polls made."""

    response: BatchResponse[Any] | IncompleteBatch
    polls: int


async def poll_batch(
    client: RequestClient,
    response: BatchResponse[T],
    response_type: type[BatchResponse[T]],
    policy: PollPolicy,
) -> Polled:
    """Poll ``response`` until it is terminal; errors of the GET itself propagate."""
    polls = 0
    delay = policy.initial_delay
    current: BatchResponse[T] = response
    try:
        with anyio.fail_after(policy.deadline):
            while not current.is_terminal:
                url = current.poll_url
                if url is None:
                    return Polled(
                        IncompleteBatch(str(current.status), "no status link to poll", None), polls
                    )
                if polls >= policy.max_polls:
                    return Polled(
                        IncompleteBatch(
                            str(current.status), f"still not done after {polls} polls", url
                        ),
                        polls,
                    )
                await policy.sleep(delay)
                delay = min(delay * policy.multiplier, policy.max_delay)
                current = await client.request("GET", url, response_type=response_type)
                polls += 1
    except TimeoutError:
        return Polled(
            IncompleteBatch(
                str(current.status), f"not done after {policy.deadline:g}s", current.poll_url
            ),
            polls,
        )
    return Polled(current, polls)
