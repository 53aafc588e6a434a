"""Shared setup for the bulk tests that run against the emulator over real sockets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from hubpages_async import HubPages, RateLimit, RetryPolicy
from hubpages_async.batch import PollPolicy
from hubpages_async.emulator import Emulator
from hubpages_async.models import Page

TOKEN = "bulk-test-token"

#: Quick polling: the emulator's async batches finish on the second poll.
FAST_POLL = PollPolicy(initial_delay=0.005, max_delay=0.02, settle_delay=0.0)


def fast_client(emu: Emulator, **kwargs: Any) -> HubPages:
    """A client for tests: no practical rate limit (a 429 with no hint pauses one 0.2 s
    window, not 10 s), small retry backoff, a retry budget that cannot run dry."""
    options: dict[str, Any] = {
        "base_url": emu.url,
        "rate_limit": RateLimit(requests=10_000, per_seconds=0.2, margin=0.0),
        "retry": RetryPolicy(base_delay=0.005, max_delay=0.02, budget=1_000_000),
        "max_concurrency": 8,
    }
    options.update(kwargs)
    return HubPages(TOKEN, **options)


def page_inputs(n: int, *, start: int = 0, slugs: bool = True) -> Iterator[Page]:
    """``n`` small, distinct input pages (a generator: the job streams it)."""
    for i in range(start, start + n):
        yield Page(
            name=f"bulk page {i}",
            template_path="templates/page.html",
            slug=f"bulk/page-{i}" if slugs else None,
        )


def slug_counts(emu: Emulator, kind: str = "site-pages") -> Counter[str]:
    """How many live pages hold each slug (a duplicate shows as a count above 1)."""
    return Counter(str(p.slug) for p in emu.store.pages(kind))
