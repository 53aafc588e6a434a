"""Injected failures, deterministic under a seed.

Spec syntax: comma-separated ``kind=probability`` terms plus an optional ``paths=REGEX``
term, e.g. ``"500=0.05,drop=0.02,paths=/batch/"``. Kinds:

- ``500 502 503 504 423 429``: answered with that status *before* the request is applied;
- ``reset``: the connection is closed before the request is applied;
- ``drop``: the request is applied and committed, then the connection is closed unanswered;
- ``truncate``: applied; the body is cut short (Content-Length promises more);
- ``slow``: applied; the body trickles out in small chunks;
- ``cancel``: async-batch mode only: the batch ends CANCELED with a prefix of inputs applied.

Determinism: the draw for a request depends only on the seed, the request's method, path,
query and body, and how many times that same request was seen before. So a given sequence
of requests meets the same faults on every run, whatever the interleaving of unrelated
concurrent requests, and a retry of a failed request gets a fresh draw.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field

__all__ = ["ERROR_KINDS", "FAULT_KINDS", "FaultPicker", "FaultPlan", "parse_faults"]

ERROR_KINDS = frozenset({"500", "502", "503", "504", "423", "429"})
FAULT_KINDS = ERROR_KINDS | {"reset", "drop", "truncate", "slow", "cancel"}


@dataclass(frozen=True)
class FaultPlan:
    """Parsed fault spec: ``rates`` in spec order and the optional path filter."""

    rates: tuple[tuple[str, float], ...] = ()
    paths: re.Pattern[str] | None = None
    spec: str = field(default="", compare=False)

    def applies_to(self, path: str) -> bool:
        """Whether faults may fire on this path."""
        return self.paths is None or self.paths.search(path) is not None


def parse_faults(spec: str | FaultPlan | None) -> FaultPlan | None:
    """Parse a fault spec; ``None``/empty/``"none"`` disables faults."""
    if spec is None or isinstance(spec, FaultPlan):
        return spec
    text = spec.strip()
    if text.lower() in {"", "none", "off"}:
        return None
    rates: list[tuple[str, float]] = []
    paths: re.Pattern[str] | None = None
    # paths=REGEX may itself contain commas, so it swallows the rest of the spec.
    head, sep, regex = text.partition("paths=")
    if sep:
        paths = re.compile(regex)
    for term in (t.strip() for t in head.split(",")):
        if not term:
            continue
        kind, eq, value = term.partition("=")
        kind = kind.strip().lower()
        if not eq or kind not in FAULT_KINDS:
            raise ValueError(
                f"fault term {term!r}: expected KIND=PROBABILITY, KIND in {sorted(FAULT_KINDS)}"
            )
        p = float(value)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"fault term {term!r}: probability must be within 0..1")
        rates.append((kind, p))
    if sum(p for k, p in rates if k != "cancel") > 1.0:
        raise ValueError(f"fault spec {spec!r}: probabilities add up to more than 1")
    return FaultPlan(tuple(rates), paths, text)


class FaultPicker:
    """Draws the fault (if any) for each request under a plan and a seed."""

    def __init__(self, plan: FaultPlan | None, seed: int = 0) -> None:
        self.plan = plan
        self.seed = seed
        self._seen: dict[bytes, int] = {}

    def _rng(self, method: str, path_qs: str, body: bytes) -> random.Random:
        key = hashlib.sha256(b"%s %s\n%s" % (method.encode(), path_qs.encode(), body)).digest()
        n = self._seen.get(key, 0)
        self._seen[key] = n + 1
        return random.Random(f"{self.seed}:{key.hex()}:{n}")

    def pick(
        self, method: str, path: str, path_qs: str, body: bytes
    ) -> tuple[str | None, bool, random.Random]:
        """Return (fault kind or None, cancel?, rng for fault details) for one request."""
        plan = self.plan
        rng = self._rng(method, path_qs, body)
        if plan is None or not plan.applies_to(path):
            return None, False, rng
        u = rng.random()
        cancel_u = rng.random()
        kind: str | None = None
        acc = 0.0
        cancel = False
        for name, p in plan.rates:
            if name == "cancel":
                cancel = cancel_u < p
                continue
            acc += p
            if kind is None and u < acc:
                kind = name
        return kind, cancel, rng
