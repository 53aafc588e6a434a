"""Typed helpers for the list recipes of HubSpot's CMS Pages guide.

Each returns the resource's lazy pager (``await`` it for the first page, iterate it
for every page) and accepts any further ``list`` keyword (sort, properties, filters)::

    async for page in recipes.scheduled(hs.site_pages):
        print(page.name, page.publish_date)

Scheduled and published pages both report ``PUBLISHED_OR_SCHEDULED``; HubSpot's guide
tells them apart by ``publishDate`` against the current time, which is what
:func:`scheduled` and :func:`published` do (``now`` is injectable for tests).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .models import SavedPage
    from .pagination import AsyncPager
    from .resources.pages import PagesResource

__all__ = [
    "DRAFT_STATES",
    "PUBLISHED_STATES",
    "SCHEDULED_STATES",
    "ab_losers",
    "ab_masters",
    "ab_variants",
    "by_language",
    "drafts",
    "language_primaries",
    "language_variations",
    "published",
    "scheduled",
]

#: The guide's "State values" for each recipe.
DRAFT_STATES: Final = ("DRAFT", "DRAFT_AB", "DRAFT_AB_VARIANT", "LOSER_AB_VARIANT")
SCHEDULED_STATES: Final = ("PUBLISHED_OR_SCHEDULED", "SCHEDULED_AB")
PUBLISHED_STATES: Final = ("PUBLISHED_OR_SCHEDULED", "PUBLISHED_AB", "PUBLISHED_AB_VARIANT")


def _now(now: datetime | Callable[[], datetime] | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    value = now() if callable(now) else now
    if value.tzinfo is None:
        raise ValueError("now must be timezone-aware (e.g. datetime.now(UTC))")
    return value


def drafts(resource: PagesResource, **list_kwargs: Any) -> AsyncPager[SavedPage]:
    """Pages in draft (including A/B drafts and losing variants): ``state__in``."""
    return resource.list(state__in=list(DRAFT_STATES), **list_kwargs)


def scheduled(
    resource: PagesResource,
    *,
    now: datetime | Callable[[], datetime] | None = None,
    **list_kwargs: Any,
) -> AsyncPager[SavedPage]:
    """Pages scheduled but not yet live: a published-or-scheduled state and a
    ``publishDate`` after ``now``."""
    when = _now(now)  # checked before anything else
    return resource.list(state__in=list(SCHEDULED_STATES), publish_date__gt=when, **list_kwargs)


def published(
    resource: PagesResource,
    *,
    now: datetime | Callable[[], datetime] | None = None,
    **list_kwargs: Any,
) -> AsyncPager[SavedPage]:
    """Pages already live: a published state and a ``publishDate`` before ``now``."""
    when = _now(now)
    return resource.list(state__in=list(PUBLISHED_STATES), publish_date__lt=when, **list_kwargs)


def ab_masters(resource: PagesResource, **list_kwargs: Any) -> AsyncPager[SavedPage]:
    """The active A page of an A/B test, or the winner of a finished one."""
    # The guide's filter values are upper case; abStatus values are lower case on pages.
    return resource.list(ab_status__eq="MASTER", **list_kwargs)


def ab_variants(resource: PagesResource, **list_kwargs: Any) -> AsyncPager[SavedPage]:
    """The active B page of an A/B test."""
    return resource.list(ab_status__eq="VARIANT", **list_kwargs)


def ab_losers(resource: PagesResource, **list_kwargs: Any) -> AsyncPager[SavedPage]:
    """The losing variant of a finished A/B test."""
    return resource.list(ab_status__eq="LOSER_VARIANT", **list_kwargs)


def language_primaries(resource: PagesResource, **list_kwargs: Any) -> AsyncPager[SavedPage]:
    """Primary pages of multi-language groups (and pages in no group):
    ``translatedFromId__is_null``."""
    return resource.list(translated_from_id__is_null=True, **list_kwargs)


def language_variations(resource: PagesResource, **list_kwargs: Any) -> AsyncPager[SavedPage]:
    """Translations of a primary page: ``translatedFromId__not_null``."""
    return resource.list(translated_from_id__not_null=True, **list_kwargs)


def by_language(
    resource: PagesResource, *languages: str, **list_kwargs: Any
) -> AsyncPager[SavedPage]:
    """Pages in any of ``languages`` (``language__in``).

    HubSpot's quirk: this filter does not take locale values (``en-us``); pass the bare
    language (``en``). A locale raises ``ValueError`` rather than silently matching
    nothing.
    """
    if not languages:
        raise ValueError("by_language needs at least one language code")
    for code in languages:
        if "-" in code or "_" in code:
            raise ValueError(
                f"language__in does not accept locale values like {code!r}; "
                f"use the bare language {code.replace('_', '-').split('-')[0]!r}"
            )
    return resource.list(language__in=list(languages), **list_kwargs)
