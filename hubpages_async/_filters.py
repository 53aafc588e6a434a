"""HubSpot's list-filter vocabulary: which property takes which operator.

Shared by the client (to reject a filter HubSpot would refuse before anything is sent)
and by the emulator (to answer such a filter with a 400 that names it). The table is
the one in HubSpot's CMS Pages guide (the seed page); see the facts file, section 2.3.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

__all__ = [
    "DATE_PROPERTIES",
    "FILTERABLE",
    "OPERATOR_SYNONYMS",
    "VALUELESS_OPERATORS",
    "FilterError",
    "canonical_operator",
    "check_filter",
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


def check_filter(prop: str, operator: str) -> str:
    """Return the canonical operator for ``prop__operator``, or raise ``FilterError``.

    The message names what is wrong and lists what HubSpot accepts instead.
    """
    if prop not in FILTERABLE:
        known = ", ".join(sorted(FILTERABLE))
        raise FilterError(
            f"property {prop!r} cannot be filtered on; filterable properties: {known}"
        )
    op = canonical_operator(operator)
    if op not in _ALL_OPERATORS:
        raise FilterError(f"unknown filter operator {operator!r} in {prop}__{operator}")
    if op not in FILTERABLE[prop]:
        allowed = ", ".join(sorted(FILTERABLE[prop]))
        raise FilterError(
            f"operator {operator!r} is not supported for property {prop!r}; "
            f"{prop} accepts: {allowed}"
        )
    return op
