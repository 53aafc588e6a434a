"""Pure mapping of a batch envelope's results and 207 errors back to the inputs sent.

HubSpot's batch envelope gives results without saying which input produced which, and
errors name their input only through ``context``. The emulator (and, by inference,
HubSpot) puts ``{"index": ["<position in inputs>"]}`` (plus ``slug``) in a batch-create
error and ``{"id": [...]}`` in a read/update error; create results come back in input
order with the failed inputs left out. Anything that cannot be placed is returned as
``unanswered`` so the job decides (look it up, resend, or report it), never guesses.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ..models import UNSET, BatchResponse, StandardError

__all__ = ["Item", "Mapped", "map_by_id", "map_create", "text_attr"]

T = TypeVar("T")
V = TypeVar("V")


@dataclass(slots=True)
class Item(Generic[V]):
    """One input on its way through a job: its stream index, journal key and value.

    ``reconcile`` marks an input whose earlier send may have been applied (unknown
    outcome, a canceled batch, or ``pending`` in the journal of a killed run): it must
    be looked up before it is sent again.
    """

    index: int
    key: str
    value: V
    reconcile: bool = False


@dataclass(slots=True)
class Mapped(Generic[V, T]):
    """Inputs matched to a result, to an error, or to nothing."""

    matched: list[tuple[Item[V], T]] = field(default_factory=list)
    errors: list[tuple[Item[V], StandardError]] = field(default_factory=list)
    unanswered: list[Item[V]] = field(default_factory=list)


def text_attr(obj: object, name: str) -> str | None:
    """``obj.name`` (or ``obj[name]`` for a mapping input) if it is a non-empty string;
    UNSET, None and "" count as absent. The names used here (id, slug, name, domain,
    language) are spelled the same on the wire and in Python."""
    value = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
    if value is UNSET or value is None or value == "":
        return None
    return str(value)


def _context(error: StandardError, name: str) -> list[str]:
    ctx = error.context if isinstance(error.context, dict) else {}
    values = ctx.get(name) or []
    return [str(v) for v in values]


def _errors(response: BatchResponse[T]) -> list[StandardError]:
    return list(response.errors) if isinstance(response.errors, list) else []


def map_create(items: Sequence[Item[V]], response: BatchResponse[T]) -> Mapped[V, T]:
    """Place a batch-create envelope's results and errors on the inputs sent."""
    out: Mapped[V, T] = Mapped()
    taken: set[int] = set()  # positions in ``items`` already placed
    loose: list[StandardError] = []
    by_slug: dict[str, deque[int]] = defaultdict(deque)
    for pos, item in enumerate(items):
        slug = text_attr(item.value, "slug")
        if slug is not None:
            by_slug[slug].append(pos)

    def claim_slug(slug: str) -> int | None:
        queue = by_slug.get(slug)
        while queue:
            candidate = queue.popleft()
            if candidate not in taken:
                return candidate
        return None

    def error_target(error: StandardError) -> int | None:
        for raw in _context(error, "index"):
            if raw.isdigit() and int(raw) < len(items) and int(raw) not in taken:
                return int(raw)
        for slug in _context(error, "slug"):
            target = claim_slug(slug)
            if target is not None:
                return target
        return None

    for error in _errors(response):
        target = error_target(error)
        if target is None:
            loose.append(error)
        else:
            taken.add(target)
            out.errors.append((items[target], error))

    # Results are in input order minus the failed inputs; a slug, when both sides have
    # one, pins a result to its input even if the server reordered them.
    positional: list[T] = []
    for result in response.results:
        slug = text_attr(result, "slug")
        target = claim_slug(slug) if slug is not None else None
        if target is None:
            positional.append(result)
        else:
            taken.add(target)
            out.matched.append((items[target], result))
    free = deque(pos for pos in range(len(items)) if pos not in taken)
    # Positions only say which input a result belongs to when every failed input is
    # known: with an error naming no input, pairing by position would be a guess.
    for result in positional if not loose else ():
        if not free:
            break  # more results than inputs: nothing sane to pin them to
        pos = free.popleft()
        taken.add(pos)
        out.matched.append((items[pos], result))
    # Errors naming no input, and no result left to place: the left-over inputs are the
    # failed ones, so with exactly as many of them the pairing is forced.
    if loose and not positional and len(loose) == len(free):
        for error in loose:
            out.errors.append((items[free.popleft()], error))
    out.unanswered.extend(items[pos] for pos in free)
    return out


def map_by_id(
    items: Sequence[Item[V]], ids: Sequence[str], response: BatchResponse[T]
) -> Mapped[V, T]:
    """Place a batch read/update envelope on the inputs sent, by id (``ids[i]`` is item i's).

    An id sent twice gets the same result (or error) for both inputs.
    """
    out: Mapped[V, T] = Mapped()
    by_id: dict[str, list[int]] = defaultdict(list)
    for pos, item_id in enumerate(ids):
        by_id[item_id].append(pos)
    taken: set[int] = set()
    for result in response.results:
        rid = text_attr(result, "id")
        for pos in by_id.get(rid or "", []):
            if pos not in taken:
                taken.add(pos)
                out.matched.append((items[pos], result))
    for error in _errors(response):
        targets = _context(error, "id")
        if not targets and text_attr(error, "id") is not None:
            targets = [str(error.id)]
        for target in targets:
            for pos in by_id.get(target, []):
                if pos not in taken:
                    taken.add(pos)
                    out.errors.append((items[pos], error))
    out.unanswered.extend(items[pos] for pos in range(len(items)) if pos not in taken)
    return out
