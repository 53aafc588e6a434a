"""The query engine on its own: cursor walks equal a brute-force answer for any input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import MultiDict

from hubpages_async.emulator.query import parse_list_query, run_query

_T0 = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass
class _Obj:
    created: datetime
    name: str
    updated: datetime


@dataclass
class _Coll:
    live_ids: list[int]
    deleted_ids: list[int]
    version: int = 0
    query_cache: dict[Any, Any] = field(default_factory=dict)

    def as_of(self, object_id: int, snapshot: int, current: Any) -> Any:
        return current  # nothing changes during these walks


def _walk(objs: dict[int, _Obj], params: dict[str, str]) -> tuple[list[int], set[int]]:
    coll = _Coll(sorted(objs), [])
    out: list[int] = []
    totals = set()
    query = MultiDict(params)
    for _ in range(len(objs) + 2):
        q = parse_list_query(query)
        ids, total, nxt = run_query(q, coll, objs.__getitem__)
        out += ids
        totals.add(total)
        if nxt is None:
            return out, totals
        query = MultiDict({**params, "after": nxt})
    raise AssertionError("the walk did not end")


def _build(gaps: list[int], names: list[str]) -> dict[int, _Obj]:
    objs = {}
    t = _T0
    for i, (gap, name) in enumerate(zip(gaps, names, strict=False)):
        t += timedelta(milliseconds=gap)  # gap 0: several pages in one millisecond
        objs[100 + i] = _Obj(created=t, name=name, updated=_T0 + timedelta(seconds=len(names) - i))
    return objs


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.integers(0, 3), min_size=0, max_size=40),
    names=st.lists(st.sampled_from(["a", "B", "c", "d"]), min_size=40, max_size=40),
    limit=st.integers(1, 7),
    desc=st.booleans(),
    lo=st.integers(0, 60),
    span=st.integers(0, 60),
    ops=st.sampled_from([("gte", "lt"), ("gt", "lte"), ("eq", None), (None, None)]),
    only_names=st.sampled_from([None, "a", "a,B"]),
)
def test_created_order_walk_matches_brute_force(
    gaps: list[int],
    names: list[str],
    limit: int,
    desc: bool,
    lo: int,
    span: int,
    ops: Any,
    only_names: str | None,
) -> None:
    objs = _build(gaps, names)
    low, high = _ms(_T0) + lo, _ms(_T0) + lo + span
    params = {"limit": str(limit)}
    if desc:
        params["sort"] = "-createdAt"
    lower_op, upper_op = ops
    if lower_op:
        params[f"createdAt__{lower_op}"] = str(low)
    if upper_op:
        params[f"createdAt__{upper_op}"] = str(high)
    if only_names:
        params["name__in"] = only_names

    def keep(o: _Obj) -> bool:
        c = _ms(o.created)
        checks = {"gte": c >= low, "gt": c > low, "eq": c == low, None: True}
        upper = {"lt": c < high, "lte": c <= high, None: True}
        named = only_names is None or o.name in only_names.split(",")
        return checks[lower_op] and upper[upper_op] and named

    expected = sorted((i for i, o in objs.items() if keep(o)), reverse=desc)
    got, totals = _walk(objs, params)
    assert got == expected
    assert totals <= {len(expected)}


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.integers(0, 2), min_size=0, max_size=30),
    names=st.lists(st.sampled_from(["a", "B", "c"]), min_size=30, max_size=30),
    limit=st.integers(1, 5),
    sort=st.sampled_from(["name", "-name", "updatedAt", "-updatedAt", "name,-createdAt"]),
)
def test_general_walk_matches_brute_force(
    gaps: list[int], names: list[str], limit: int, sort: str
) -> None:
    objs = _build(gaps, names)
    got, _ = _walk(objs, {"limit": str(limit), "sort": sort})
    assert sorted(got) == sorted(objs)  # each exactly once
    assert len(got) == len(set(got))
    # Adjacent results respect the first sort key.
    first = sort.split(",")[0]
    attr = first.lstrip("-").replace("At", "")
    values = [getattr(objs[i], attr) for i in got]
    values = [v.casefold() if isinstance(v, str) else v for v in values]
    assert values == sorted(values, reverse=first.startswith("-"))
