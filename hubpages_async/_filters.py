"""HubSpot's list-filter vocabulary: which property takes which operator.

Shared by the client (to reject a filter HubSpot would refuse before anything is sent)
and by the emulator (to answer such a filter with a 400 that names it). The table is
the one in HubSpot's CMS Pages guide (the seed page); see the facts file, section 2.3.
The values a filter takes are checked by :mod:`hubpages_async._filter_values`.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from typing import Final

__all__ = [
    "DATE_PROPERTIES",
    "FILTERABLE",
    "FOLDER_FILTERABLE",
    "LIST_OPERATORS",
    "OPERATOR_SYNONYMS",
    "VALUELESS_OPERATORS",
    "FilterError",
    "camel",
    "canonical_operator",
    "check_filter",
    "parse_filter_key",
    "snake",
    "split_filter_key",
]

_DATE_OPS: Final = frozenset({"eq", "gt", "gte", "lt", "lte"})

#: property -> operators HubSpot accepts for it (canonical names only).
FILTERABLE: Final[Mapping[str, frozenset[str]]] = {
    # The guide spells it "not_in" here and "nin" elsewhere: one operator.
    "id": frozenset({"eq", "in", "nin"}),
    "slug": frozenset({"eq", "in", "nin", "icontains"}),
    "campaign": frozenset({"eq", "in"}),
    "state": frozenset({"eq", "ne", "in", "nin", "contains"}),
    "publishDate": _DATE_OPS,
    "createdAt": _DATE_OPS,
    "updatedAt": _DATE_OPS,
    "archivedAt": _DATE_OPS,
    "templatePath": frozenset({"eq", "contains", "startswith"}),
    "name": frozenset({"eq", "in", "icontains"}),
    "mabExperimentId": frozenset({"eq", "in"}),
    "abTestId": frozenset({"eq", "in"}),
    "createdById": frozenset({"eq"}),
    "updatedById": frozenset({"eq"}),
    "domain": frozenset({"eq", "not_like", "contains"}),
    "subcategory": frozenset({"eq", "ne", "in", "nin"}),
    # The guide lists "null" for folderId and "is_null" elsewhere; both are accepted.
    "folderId": frozenset({"eq", "in", "is_null", "not_null"}),
    "language": frozenset({"in", "not_null"}),
    "translatedFromId": frozenset({"is_null", "not_null"}),
    "dynamicPageHubDbTableId": frozenset({"eq", "not_null"}),
    # Not in the guide's table, but the guide's own A/B recipe filters on it.
    "abStatus": frozenset({"eq"}),
}

#: The properties a folder list filters on (the guide documents page filters only; this is
#: the emulator's choice, the subset of the page table that a folder has).
FOLDER_FILTERABLE: Final = frozenset({"id", "name", "createdAt", "updatedAt", "archivedAt"})

#: The date-valued properties (values may be ISO 8601 or epoch milliseconds).
DATE_PROPERTIES: Final = frozenset({"publishDate", "createdAt", "updatedAt", "archivedAt"})

#: synonym -> canonical operator, per the guide's operator table.
OPERATOR_SYNONYMS: Final[Mapping[str, str]] = {
    "exact": "eq",
    "is": "eq",
    "neq": "ne",
    "not": "ne",
    "like": "contains",
    "ilike": "icontains",
    "nlike": "not_like",
    "null": "is_null",
    "not_in": "nin",
}

#: Operators that take no value (``translatedFromId__is_null``).
VALUELESS_OPERATORS: Final = frozenset({"is_null", "not_null"})

#: Operators that take a list of values (sent comma-separated).
LIST_OPERATORS: Final = frozenset({"in", "nin"})

_ALL_OPERATORS: Final = frozenset().union(*FILTERABLE.values()) | {
    "ne",
    "contains",
    "icontains",
    "not_like",
    "lt",
    "lte",
    "gt",
    "gte",
    "startswith",
    "in",
    "nin",
    "is_null",
    "not_null",
}


class FilterError(ValueError):
    """A filter HubSpot does not accept; the message names the property and operator."""


def snake(name: str) -> str:
    """``publishDate`` -> ``publish_date`` (the spelling of the library's keywords)."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def canonical_operator(operator: str) -> str:
    """Map a synonym (``exact``, ``ilike``, ...) to its canonical operator name."""
    op = operator.lower()
    return OPERATOR_SYNONYMS.get(op, op)


def split_filter_key(key: str) -> tuple[str, str]:
    """Split ``"name__icontains"`` into ``("name", "icontains")`` (operator not yet checked)."""
    prop, sep, op = key.partition("__")
    if not sep or not prop or not op:
        raise FilterError(
            f"filter {key!r} is not of the form propertyName__operator (e.g. name__icontains)"
        )
    return prop, op


def parse_filter_key(key: str, *, properties: Collection[str] | None = None) -> tuple[str, str]:
    """``"publish_date__gt"`` -> ``("publishDate", "gt")``, checked against the table.

    A bare property name means equality (``state`` is ``state__eq``), as in HubSpot's
    query string; snake_case names are HubSpot's camelCase ones. ``properties`` narrows
    the table (folders filter on fewer properties than pages).
    """
    spelled, op = split_filter_key(key) if "__" in key else (key, "eq")
    prop = camel(spelled)
    return prop, check_filter(prop, op, properties=properties, snake_case="_" in spelled)


def check_filter(
    prop: str,
    operator: str,
    *,
    properties: Collection[str] | None = None,
    snake_case: bool = False,
) -> str:
    """Return the canonical operator for ``prop__operator``, or raise ``FilterError``.

    The message names what is wrong, suggests the closest name for a typo, and lists
    what HubSpot accepts instead.
    """
    known = FILTERABLE.keys() if properties is None else properties
    if prop not in known:
        names = ", ".join(sorted(known))
        raise FilterError(
            f"property {prop!r} cannot be filtered on{_did_you_mean(prop, known, snake_case)}; "
            f"filterable properties: {names}"
        )
    op = canonical_operator(operator)
    if op not in _ALL_OPERATORS:
        suggestion = _did_you_mean(op, _ALL_OPERATORS | OPERATOR_SYNONYMS.keys(), True)
        raise FilterError(f"unknown filter operator {operator!r} in {prop}__{operator}{suggestion}")
    if op not in FILTERABLE[prop]:
        allowed = ", ".join(sorted(FILTERABLE[prop]))
        raise FilterError(
            f"operator {operator!r} is not supported for property {prop!r}; "
            f"{prop} accepts: {allowed}"
        )
    return op


def _did_you_mean(name: str, choices: Collection[str], snake_case: bool) -> str:
    """`` (did you mean 'name'?)`` for a close match (in snake_case if the caller wrote
    snake_case, HubSpot's camelCase otherwise), or ``""``."""
    by_folded = {c.lower(): c for c in choices}
    match = difflib.get_close_matches(name.lower(), by_folded, n=1, cutoff=0.6)
    if not match:
        return ""
    best = by_folded[match[0]]
    return f" (did you mean {snake(best) if snake_case else best!r}?)"


def camel(name: str) -> str:
    """``publish_date`` -> ``publishDate``; camelCase names pass through unchanged."""
    if "_" not in name:
        return name
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
