"""What makes a page *this input's* page: content identity, content keys, valid ids.

A create whose answer was lost is settled by looking the page up. Finding *a* page with
the input's name or slug proves nothing (another input of the job, an earlier page, or
another tool may have made it), so a found page is credited to an input only if it
carries the input's content. :func:`matches` is that test:

- every field the input sets, except those the server owns or rewrites (``state``, ids,
  timestamps, URLs, A/B and translation bookkeeping), must hold the same value on the
  page: slugs compared as HubSpot routes them (case-insensitive, no leading ``/``),
  date-times as instants, nested JSON (``layoutSections``, ``widgets``, ...) as a subset,
  so that keys the server adds inside a module do not hide a match;
- and the text fields HubSpot leaves empty when they are not sent (``slug``,
  ``htmlTitle``, ``domain``, ``folderId``, ...) must be empty on the page when the input
  does not set them. This is what keeps an input from being credited with a page made
  from a *richer* input: ``{name: Home}`` does not match a page ``{name: Home,
  htmlTitle: Pricing}``.

Two inputs that pass this test for the same page are interchangeable (identical as far
as HubSpot stores them): k such inputs and m such pages credit min(k, m).

:func:`content_key` names an input by what it is (a digest of its encoded form), so a
journal survives lines being added, removed or reordered between runs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

import msgspec

from ..models import UNSET

__all__ = ["content_key", "is_hubspot_id", "matches", "same_url_holder"]

# Owned or rewritten by the server: never compared. (``state`` may come back in another
# spelling, PUBLISHED -> PUBLISHED_OR_SCHEDULED; ``authorName`` is filled in.)
_NOT_COMPARED: Final = frozenset(
    {
        "id",
        "url",
        "created",
        "updated",
        "created_at",
        "updated_at",
        "archived_at",
        "deleted_at",
        "current_state",
        "currently_published",
        "published",
        "created_by_id",
        "updated_by_id",
        "page_redirected",
        "translations",
        "translated_from_id",
        "subcategory",
        "content_type_category",
        "category_id",
        "category",
        "state",
        "publish_immediately",
        "publish_date",
        "author_name",
        "ab_status",
        "ab_test_id",
        "mab_experiment_id",
    }
)

# Text fields a created page shows empty when the create did not set them.
_EMPTY_WHEN_UNSET: Final = (
    "slug",
    "domain",
    "html_title",
    "meta_description",
    "head_html",
    "footer_html",
    "link_rel_canonical_url",
    "featured_image",
    "featured_image_alt_text",
    "campaign",
    "folder_id",
    "password",
    "page_expiry_redirect_url",
)

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
# HubSpot ids are numeric strings; anything else in a result's ``id`` is not an id.
_ID = re.compile(r"^[0-9]{1,30}$")


def is_hubspot_id(value: object) -> bool:
    """Whether ``value`` is an id HubSpot could have assigned (a numeric string)."""
    return isinstance(value, str) and _ID.match(value) is not None


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def _set_fields(value: object) -> dict[str, Any]:
    """The fields an input sets, by Python name (a Struct, or a mapping in either case)."""
    if isinstance(value, Mapping):
        return {_snake(str(k)): v for k, v in value.items()}
    if isinstance(value, msgspec.Struct):
        return {
            name: getattr(value, name)
            for name in value.__struct_fields__
            if getattr(value, name) is not UNSET
        }
    return {}


def _empty(value: object) -> bool:
    return value is UNSET or value is None or value in ("", 0, False) or value in ([], {})


def _instant(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _same(want: object, got: object, *, slug: bool = False) -> bool:
    """``got`` holds ``want``: equal scalars, a subset for nested JSON."""
    if want is None:
        return _empty(got)
    if slug and isinstance(want, str) and isinstance(got, str):
        return want.lstrip("/").lower() == got.lstrip("/").lower()
    if isinstance(want, datetime):
        return isinstance(got, datetime) and _instant(want) == _instant(got)
    if isinstance(want, Mapping):
        return isinstance(got, Mapping) and all(
            key in got and _same(item, got[key]) for key, item in want.items()
        )
    if isinstance(want, list | tuple):
        return (
            isinstance(got, list | tuple)
            and len(want) == len(got)
            and all(_same(a, b) for a, b in zip(want, got, strict=True))
        )
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got
    if isinstance(want, int | str) and isinstance(got, int | str):
        # Ids travel as strings or integers (folderId vs parentFolderId).
        return str(want) == str(got)
    return want == got


def _attr(obj: object, name: str) -> object:
    if isinstance(obj, Mapping):
        return obj.get(name, UNSET)
    return getattr(obj, name, UNSET)


def matches(wanted: object, found: object) -> bool:
    """Whether ``found`` (a page or folder HubSpot holds) is what ``wanted`` creates."""
    fields = _set_fields(wanted)
    for name, value in fields.items():
        if name in _NOT_COMPARED:
            continue
        if not _same(value, _attr(found, name), slug=name == "slug"):
            return False
    for name in _EMPTY_WHEN_UNSET:
        if name not in fields and not _empty(_attr(found, name)):
            return False
    return True


def same_url_holder(wanted: object, found: object) -> bool:
    """Whether ``found`` holds the URL ``wanted`` asks for (same slug, domain, language),
    so that creating ``wanted`` can only be refused with CONFLICT."""
    slug = _attr(wanted, "slug")
    if not isinstance(slug, str) or not slug.strip("/"):
        return False
    if str(_attr(found, "ab_status") or "").lower().endswith("variant"):
        return False  # A/B variants share their original's URL by design
    return all(
        _same_text(_attr(wanted, name), _attr(found, name)) for name in ("domain", "language")
    ) and _same(slug, _attr(found, "slug"), slug=True)


def _same_text(want: object, got: object) -> bool:
    want_text = want if isinstance(want, str) else ""
    got_text = got if isinstance(got, str) else ""
    return want_text.lower() == got_text.lower()


_KEY_ENCODER: Final = msgspec.json.Encoder(order="sorted")


def content_key(value: object) -> str:
    """``c:<digest>``: the same for inputs that encode the same, whatever their position.

    A Struct encodes its set fields only (the models omit defaults), a mapping with its
    keys sorted, so ``{"a": 1, "b": 2}`` and ``{"b": 2, "a": 1}`` share a key.
    """
    digest = hashlib.blake2b(_KEY_ENCODER.encode(value), digest_size=16).hexdigest()
    return f"c:{digest}"
