"""The guide's list recipes, checked against the emulator's own view of its pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from hubpages_async import recipes
from hubpages_async.emulator import Emulator
from hubpages_async.models import Page

from ._emu import fast_client


def _ids(pages: list[Page], keep: Callable[[Page], bool]) -> set[str]:
    return {str(p.id) for p in pages if keep(p)}


def _date(p: Page) -> datetime | None:
    return p.publish_date if isinstance(p.publish_date, datetime) else None


async def test_recipes_match_the_guide() -> None:
    now = datetime.now(UTC)
    async with Emulator(rate_limit=None, seed_pages=120) as emu, fast_client(emu) as hs:
        pages = emu.store.pages("site-pages")
        site = hs.site_pages
        ab = pages[0]
        await site.create_ab_variation(str(ab.id), "B side")
        # A finished test, so that there is a losing variant to find.
        master = pages[1]
        variant = await site.create_ab_variation(str(master.id), "C side")
        await site.end_ab_test(str(variant.ab_test_id), str(master.id))
        pages = emu.store.pages("site-pages")

        def date_after(p: Page) -> bool:
            d = _date(p)
            return d is not None and d > now

        def date_before(p: Page) -> bool:
            d = _date(p)
            return d is not None and d < now

        def state(p: Page) -> str:
            return str(p.state)

        def ab_status(p: Page) -> str:
            return str(p.ab_status).upper()

        cases: list[tuple[Any, set[str]]] = [
            (recipes.drafts(site), _ids(pages, lambda p: state(p) in recipes.DRAFT_STATES)),
            (
                recipes.scheduled(site, now=now),
                _ids(pages, lambda p: state(p) in recipes.SCHEDULED_STATES and date_after(p)),
            ),
            (
                recipes.published(site, now=lambda: now),
                _ids(pages, lambda p: state(p) in recipes.PUBLISHED_STATES and date_before(p)),
            ),
            (recipes.ab_masters(site), _ids(pages, lambda p: ab_status(p) == "MASTER")),
            (recipes.ab_variants(site), _ids(pages, lambda p: ab_status(p) == "VARIANT")),
            (recipes.ab_losers(site), _ids(pages, lambda p: ab_status(p) == "LOSER_VARIANT")),
            (
                recipes.language_primaries(site),
                _ids(pages, lambda p: not isinstance(p.translated_from_id, str)),
            ),
            (
                recipes.language_variations(site),
                _ids(pages, lambda p: isinstance(p.translated_from_id, str)),
            ),
            (
                recipes.by_language(site, "de", "fr"),
                _ids(pages, lambda p: str(p.language).split("-")[0] in ("de", "fr")),
            ),
        ]
        for pager, expected in cases:
            got = [str(p.id) async for p in pager]
            assert len(got) == len(set(got))
            assert set(got) == expected
        # Every recipe has something to find, so no comparison above is vacuous.
        assert all(expected for _, expected in cases)


def test_by_language_refuses_locales() -> None:
    with pytest.raises(ValueError, match="'en'"):
        recipes.by_language(object(), "en-us")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one"):
        recipes.by_language(object())  # type: ignore[arg-type]


def test_naive_now_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        recipes.scheduled(object(), now=datetime(2024, 1, 1))  # type: ignore[arg-type]
