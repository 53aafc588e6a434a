"""List queries: filters, sort, the keyset ``after`` cursor and ``property`` selection.

The cursor is opaque to clients (urlsafe base64 of JSON) and holds the sort spec plus the
sort key and id of the last page returned. The next page starts strictly after that key
in the (sort key, id) total order, so a walk never repeats a page and never skips one
that existed throughout, even when pages are created or deleted between requests. For
every other sort the cursor also holds the collection version the walk started at, and
the walk orders pages by their sort key as of that version (``Records.as_of``): a page
updated mid-walk (a new ``updatedAt`` or ``name``) keeps its place, so it is met exactly
once; a page created mid-walk takes the place of its first version. HubSpot documents
nothing here; the answers always show each page as it is now.

``limit`` defaults to 100 and is clamped to ``MAX_LIMIT`` (100): HubSpot documents no
maximum, and a clamp keeps cursor-following clients working where a 400 would not.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Protocol

import msgspec

from .._filters import (
    DATE_PROPERTIES,
    FOLDER_FILTERABLE,
    VALUELESS_OPERATORS,
    FilterError,
    check_filter,
    split_filter_key,
)
from ..models import UNSET
from .errors import bad_request

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "ListQuery", "parse_date", "parse_list_query", "run_query"]

DEFAULT_LIMIT: Final = 100
MAX_LIMIT: Final = 100

_RESERVED: Final = frozenset(
    {
        "after",
        "before",
        "limit",
        "offset",
        "sort",
        "archived",
        "property",
        "createdAt",
        "createdAfter",
        "createdBefore",
        "updatedAt",
        "updatedAfter",
        "updatedBefore",
    }
)
# camelCase property -> struct attribute, where they differ from the plain conversion.
_PAGE_ATTRS: Final = {"createdAt": "created", "updatedAt": "updated"}
_FOLDER_ATTRS: Final = {"createdAt": "created", "updatedAt": "updated", "archivedAt": "deleted_at"}
# sort field -> camelCase property (the spec's list plus the guide's publishDate).
_SORTS: Final = {
    "name": "name",
    "createdAt": "createdAt",
    "updatedAt": "updatedAt",
    "createdBy": "createdById",
    "updatedBy": "updatedById",
    "createdById": "createdById",
    "updatedById": "updatedById",
    "publishDate": "publishDate",
    "slug": "slug",
    "id": "id",
}
_DATE_ATTRS: Final = frozenset({"created", "updated", "publish_date", "archived_at", "deleted_at"})
_CI_PROPS: Final = frozenset({"abStatus"})
_RANGE_OPS: Final = frozenset(
    {"eq", "gt", "gte", "lt", "lte"}
)  # compared case-insensitively (see _match)

_decode_json = msgspec.json.Decoder().decode
_encode_json = msgspec.json.Encoder().encode


def _snake(camel: str) -> str:
    out = []
    for ch in camel:
        if ch.isupper():
            out.append("_")
            out.append(ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def parse_date(value: str, *, name: str) -> datetime:
    """ISO 8601 or epoch milliseconds (the guide's ``lt`` example uses the latter)."""
    text = value.strip()
    try:
        if text.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(text) / 1000, UTC)
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise bad_request(
            f"{name}: {value!r} is not an ISO 8601 date-time or epoch milliseconds", field=name
        ) from None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


@dataclass(slots=True)
class _Filter:
    attr: str
    prop: str
    op: str
    values: list[Any]


@dataclass(slots=True)
class ListQuery:
    """A parsed list request."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    after: tuple[list[Any], int] | None = None
    #: the collection version a walk started at (cursors of sorts other than createdAt)
    snapshot: int | None = None
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (attr, descending)
    sort_spec: str = "created"
    archived: bool = False
    filters: list[_Filter] = field(default_factory=list)
    properties: list[str] | None = None

    @property
    def by_created(self) -> bool:
        """createdAt order: answered from the id list by bisection (see _created_order)."""
        return self.sort_spec in ("created", "-created")


def bool_param(params: Mapping[str, str], name: str) -> bool:
    """A ``true``/``false`` query parameter (absent: false), else 400."""
    raw = params.get(name)
    if raw is None:
        return False
    value = raw.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0", ""):
        return False
    raise bad_request(f"{name} must be true or false (got {raw!r})", field=name)


def parse_list_query(params: Any, *, folders: bool = False) -> ListQuery:
    """Parse LIST-PARAMS and ``prop__op`` filters from a multidict of query parameters."""
    q = ListQuery()
    attrs = _FOLDER_ATTRS if folders else _PAGE_ATTRS
    raw_limit = params.get("limit")
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            raise bad_request(
                f"limit must be an integer (got {raw_limit!r})", field="limit"
            ) from None
        if limit < 1:
            raise bad_request(f"limit must be at least 1 (got {limit})", field="limit")
        q.limit = min(limit, MAX_LIMIT)
    raw_offset = params.get("offset")
    if raw_offset is not None:
        # Legacy paging the guide's example still shows; applied after the cursor.
        if not raw_offset.isdigit():
            raise bad_request(
                f"offset must be a non-negative integer (got {raw_offset!r})", field="offset"
            )
        q.offset = int(raw_offset)
    q.archived = bool_param(params, "archived")

    sort_terms: list[str] = []
    for raw in params.getall("sort", []):
        sort_terms.extend(t.strip() for t in raw.split(",") if t.strip())
    for term in sort_terms:
        desc = term.startswith("-")
        name = term.lstrip("-+")
        prop = _SORTS.get(name)
        if prop is None or (folders and prop not in ("name", "createdAt", "updatedAt", "id")):
            valid = "name, createdAt, updatedAt" if folders else ", ".join(_SORTS)
            raise bad_request(f"cannot sort by {name!r}; valid sort fields: {valid}", field="sort")
        q.sort.append((attrs.get(prop, _snake(prop)), desc))
    if not q.sort:
        q.sort = [("created", False)]
    q.sort_spec = ",".join(("-" if d else "") + a for a, d in q.sort)

    for pname, prefix_op in (
        ("createdAt", "eq"),
        ("createdAfter", "gt"),
        ("createdBefore", "lt"),
        ("updatedAt", "eq"),
        ("updatedAfter", "gt"),
        ("updatedBefore", "lt"),
    ):
        raw = params.get(pname)
        if raw is not None:
            attr = "created" if pname.startswith("created") else "updated"
            q.filters.append(_Filter(attr, pname, prefix_op, [_ms(parse_date(raw, name=pname))]))

    for key in params:
        if key in _RESERVED:
            continue
        if "__" not in key:
            raise bad_request(
                f"unknown query parameter {key!r}; filters are written propertyName__operator",
                field=key,
            )
        try:
            prop, op_text = split_filter_key(key)
            op = check_filter(prop, op_text)
        except FilterError as exc:
            raise bad_request(str(exc), field=key, code="INVALID_FILTER") from None
        if folders and prop not in FOLDER_FILTERABLE:
            raise bad_request(
                f"property {prop!r} cannot be filtered on for folders; "
                f"filterable: {', '.join(sorted(FOLDER_FILTERABLE))}",
                field=key,
                code="INVALID_FILTER",
            )
        values: list[Any] = []
        for raw in params.getall(key):
            if op in VALUELESS_OPERATORS:
                continue
            parts = [p.strip() for p in raw.split(",")] if op in ("in", "nin") else [raw]
            if prop in DATE_PROPERTIES:
                values.extend(_ms(parse_date(p, name=key)) for p in parts)
            else:
                values.extend(parts)
        if op not in VALUELESS_OPERATORS and not values:
            raise bad_request(f"filter {key} needs a value", field=key)
        q.filters.append(_Filter(attrs.get(prop, _snake(prop)), prop, op, values))

    raw_props = params.getall("property", [])
    if raw_props:
        props = [p.strip() for raw in raw_props for p in raw.split(",") if p.strip()]
        q.properties = props or None

    after = params.get("after")
    if after:
        key, item_id, q.snapshot = decode_cursor(after, q.sort_spec)
        q.after = (key, item_id)
    return q


def encode_cursor(sort_spec: str, key: list[Any], item_id: int, snapshot: int | None = None) -> str:
    """An opaque cursor: urlsafe base64 of [sort spec, sort key, id(, snapshot)]."""
    token = [sort_spec, key, item_id] if snapshot is None else [sort_spec, key, item_id, snapshot]
    raw = _encode_json(token)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, sort_spec: str) -> tuple[list[Any], int, int | None]:
    """Decode a cursor made by :func:`encode_cursor` for the same sort, else 400."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        parts = _decode_json(raw)
        if not isinstance(parts, list) or len(parts) not in (3, 4):
            raise ValueError
        spec, key, item_id = parts[:3]
        snapshot = parts[3] if len(parts) == 4 else None
        if not isinstance(key, list) or not isinstance(item_id, int):
            raise ValueError
        if snapshot is not None and (not isinstance(snapshot, int) or snapshot < 0):
            raise ValueError
        for part in key:
            # Each part is what _sort_value makes: [0 | 1, number or text].
            if not (
                isinstance(part, list)
                and len(part) == 2
                and part[0] in (0, 1)
                and isinstance(part[1], int | float | str)
            ):
                raise ValueError
    except (ValueError, TypeError, RecursionError, binascii.Error, msgspec.DecodeError):
        raise bad_request(f"after: {token!r} is not a valid paging cursor", field="after") from None
    if spec != sort_spec:
        raise bad_request("after: this cursor was issued for a different sort order", field="after")
    return key, item_id, snapshot


def _value(obj: Any, attr: str) -> Any:
    v = getattr(obj, attr, UNSET)
    if v is UNSET or v is None:
        return None
    if attr in _DATE_ATTRS and isinstance(v, datetime):
        return _ms(v)
    return v


def _sort_value(obj: Any, attr: str) -> list[Any]:
    v = _value(obj, attr)
    if v is None:
        return [0, ""]
    if isinstance(v, str):
        # Names sort case-insensitively; ids numerically (they are numbers in strings).
        if attr in ("id", "created_by_id", "updated_by_id") and v.isdigit():
            return [1, int(v)]
        return [1, v.casefold()]
    return [1, v]


Predicate = Callable[[Any], bool]
_ORDER: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "eq": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def _compile(f: _Filter) -> Predicate:
    """Turn one filter into a predicate over stored objects (built once per request)."""
    attr, op = f.attr, f.op

    def get(obj: Any) -> Any:
        v = getattr(obj, attr, None)
        return None if v is UNSET else v

    if op == "is_null":
        return lambda o: get(o) in (None, "")
    if op == "not_null":
        return lambda o: get(o) not in (None, "")
    if attr in _DATE_ATTRS:
        dates = frozenset(f.values)
        if op == "in":
            return lambda o: isinstance(v := get(o), datetime) and _ms(v) in dates
        found, bound = _ORDER.get(op), f.values[0]
        if found is None:
            return lambda o: False
        by_date: Callable[[Any, Any], bool] = found
        return lambda o: isinstance(v := get(o), datetime) and by_date(_ms(v), bound)
    # HubSpot's quirk: abStatus values are lower case, the guide filters on MASTER.
    fold = f.prop in _CI_PROPS
    values = [str(x).lower() if fold else str(x) for x in f.values]
    vset = frozenset(values)
    x = values[0] if values else ""

    def text(o: Any) -> str | None:
        v = get(o)
        if v is None:
            return None
        return str(v).lower() if fold else str(v)

    if f.prop == "language":
        # language__in takes bare languages ("de"); a page in "de-at" belongs to "de".
        return lambda o: (t := text(o)) is not None and (t in vset or t.split("-")[0] in vset)
    if op in ("ne", "nin", "not_like"):
        # A missing value is "not equal" to anything.
        if op == "ne":
            return lambda o: (t := text(o)) is None or t != x
        if op == "nin":
            return lambda o: (t := text(o)) is None or t not in vset
        return lambda o: (t := text(o)) is None or x not in t
    if op == "eq":
        return lambda o: text(o) == x
    if op == "in":
        return lambda o: text(o) in vset
    if op == "contains":
        return lambda o: (t := text(o)) is not None and x in t
    if op == "icontains":
        folded = x.casefold()
        return lambda o: (t := text(o)) is not None and folded in t.casefold()
    if op == "startswith":
        return lambda o: (t := text(o)) is not None and t.startswith(x)
    found = _ORDER.get(op)
    if found is None:
        return lambda o: False
    by_text: Callable[[Any, Any], bool] = found
    return lambda o: (t := text(o)) is not None and by_text(t, x)


class _Coll(Protocol):
    live_ids: list[int]
    deleted_ids: list[int]
    #: bumped on every change; keys the cache of sorted matches below
    version: int
    query_cache: dict[Any, tuple[int, list[tuple[list[Any], int]]]]

    def as_of(self, object_id: int, snapshot: int, current: Any) -> Any:
        """The object as it was at collection version ``snapshot``."""
        ...


def _cmp(a: list[Any], b: list[Any], dirs: Sequence[bool]) -> int:
    for x, y, desc in zip(a, b, dirs, strict=True):
        if x != y:
            less = x < y
            return (1 if less else -1) if desc else (-1 if less else 1)
    return 0


def _created_order(
    q: ListQuery,
    coll: _Coll,
    ids: list[int],
    get_obj: Callable[[int], Any],
    created_ms: Callable[[int], int] | None = None,
) -> tuple[list[int], int, str | None]:
    """A createdAt-ordered list without sorting, and without a full scan.

    Ids and creation times grow together (``Store.now()`` never goes backwards), so the
    id list is also sorted by createdAt: createdAt range filters and the cursor become
    bisections, and other filters only scan the createdAt range. This keeps default
    listings and sharded exports (createdAt__gte/__lt per shard) cheap however many
    pages a portal holds.
    """

    def built(i: int) -> int:
        return int(_value(get_obj(i), "created") or 0)

    # The collection may know creation times without building the object (seeded pages).
    created = created_ms if created_ms is not None else built

    lo, hi = 0, len(ids)
    others: list[_Filter] = []
    for f in q.filters:
        if f.attr != "created" or f.op not in _RANGE_OPS:
            others.append(f)
            continue
        v = f.values[0]
        if f.op in ("gt", "gte", "eq"):
            lo = max(lo, bisect.bisect_left(ids, v + (f.op == "gt"), key=created))
        if f.op in ("lt", "lte", "eq"):
            hi = min(hi, bisect.bisect_left(ids, v + (f.op != "lt"), key=created))
    if others:
        key = (q.archived, "span", lo, hi, tuple((f.attr, f.op, tuple(f.values)) for f in others))
        hit = coll.query_cache.get(key)
        if hit is not None and hit[0] == coll.version:
            span = [i for _, i in hit[1]]
        else:
            preds = [_compile(f) for f in others]
            span = [i for i in ids[lo:hi] if all(p(get_obj(i)) for p in preds)]
            _remember(coll, key, [([], i) for i in span])
        lo, hi = 0, len(span)
    else:
        span = ids
    total = max(0, hi - lo)
    if q.sort_spec == "created":
        start = lo
        if q.after is not None:
            start = max(lo, bisect.bisect_right(span, q.after[1]))
        start += q.offset
        page = span[start : max(start, min(start + q.limit, hi))]
        more = start + q.limit < hi
    else:
        end = hi
        if q.after is not None:
            end = min(hi, bisect.bisect_left(span, q.after[1]))
        end -= q.offset
        page = span[max(lo, end - q.limit) : max(lo, end)][::-1]
        more = end - q.limit > lo
    nxt = None
    if more and page:
        last = page[-1]
        nxt = encode_cursor(q.sort_spec, [_sort_value(get_obj(last), "created")], last)
    return page, total, nxt


_CACHED_QUERIES: Final = 8


def _sorted_matches(
    q: ListQuery, coll: _Coll, ids: list[int], get_obj: Callable[[int], Any], snapshot: int
) -> list[tuple[list[Any], int]]:
    """(sort key, id) of every match, in order; reused while the collection is unchanged.

    Filters see each object as it is now; its place in the order is its sort key as
    of ``snapshot``, the collection version the walk started at (``Records.as_of``),
    so an object updated, created or deleted mid-walk never moves past the cursor.
    A cursor walk asks the same question once per page: caching the sorted answer per
    collection version turns an O(n log n) per page into one per walk.
    """
    filters = tuple((f.attr, f.op, tuple(f.values)) for f in q.filters)
    key = (q.archived, q.sort_spec, filters, snapshot)
    hit = coll.query_cache.get(key)
    if hit is not None and hit[0] == coll.version:
        return hit[1]
    matched: list[tuple[list[Any], int]] = []
    preds = [_compile(f) for f in q.filters]
    attrs = [a for a, _ in q.sort]
    as_of = coll.as_of
    for i in ids:
        obj = get_obj(i)
        if all(p(obj) for p in preds):
            then = as_of(i, snapshot, obj)
            matched.append(([_sort_value(then, a) for a in attrs], i))
    dirs = [d for _, d in q.sort]
    # Stable multi-key sort: id last (in the first key's direction, so "-createdAt" is
    # newest first even within one millisecond), then each key from last to first.
    matched.sort(key=lambda t: t[1], reverse=dirs[0])
    for pos in range(len(attrs) - 1, -1, -1):
        matched.sort(key=lambda t, p=pos: t[0][p], reverse=dirs[pos])  # type: ignore[misc]
    _remember(coll, key, matched)
    return matched


def _remember(coll: _Coll, key: Any, matched: list[tuple[list[Any], int]]) -> None:
    if len(coll.query_cache) >= _CACHED_QUERIES:
        coll.query_cache.pop(next(iter(coll.query_cache)))
    coll.query_cache[key] = (coll.version, matched)


def run_query(
    q: ListQuery,
    coll: _Coll,
    get_obj: Callable[[int], Any],
    created_ms: Callable[[int], int] | None = None,
) -> tuple[list[int], int, str | None]:
    """Return (ids of this page, total matches, next cursor or None).

    ``created_ms`` (optional) gives an object's creation time in epoch milliseconds
    without building it: generated (seeded) pages know theirs from their id.
    """
    ids = coll.deleted_ids if q.archived else coll.live_ids
    if q.by_created:
        return _created_order(q, coll, ids, get_obj, created_ms)

    dirs = [d for _, d in q.sort]
    id_desc = dirs[0]
    snapshot = q.snapshot if q.after is not None and q.snapshot is not None else coll.version
    matched = _sorted_matches(q, coll, ids, get_obj, snapshot)
    start = 0
    if q.after is not None:
        ckey, cid = q.after
        lo, hi = 0, len(matched)
        while lo < hi:  # first item strictly after the cursor in (key, id) order
            mid = (lo + hi) // 2
            k, i = matched[mid]
            try:
                c = _cmp(k, ckey, dirs) if len(ckey) == len(dirs) else 1
            except TypeError:  # a hand-made cursor: text where the sort key is a number
                raise bad_request("after: not a valid paging cursor", field="after") from None
            if c < 0 or (c == 0 and (i >= cid if id_desc else i <= cid)):
                lo = mid + 1
            else:
                hi = mid
        start = lo
    start += q.offset
    window = matched[start : start + q.limit]
    nxt = None
    if start + q.limit < len(matched) and window:
        k, i = window[-1]
        nxt = encode_cursor(q.sort_spec, k, i, snapshot)
    return [i for _, i in window], len(matched), nxt


def select_properties(data: bytes, properties: list[str]) -> bytes:
    """Keep only the requested properties (and ``id``) of an encoded object."""
    obj = _decode_json(data)
    keep = set(properties) | {"id"}
    return _encode_json({k: v for k, v in obj.items() if k in keep})
