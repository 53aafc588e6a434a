"""One measurement in a fresh process: ``python -m benchmarks._worker < spec.json``.

A fresh interpreter per measurement gives every contender the same start (no warm caches
or heap left over from another client) and lets CPU time and peak memory be read per
process. The spec is ``{"contender": KEY, "job": {...Job fields}}``; the answer is one
line on stdout starting with :data:`RESULT_PREFIX`.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from dataclasses import asdict
from typing import Any, Final

from ._inputs import canned_list_body, page_pool
from ._measure import measure
from .contenders import Contender, Job, Outcome, load

__all__ = ["RESULT_PREFIX", "main", "run"]

RESULT_PREFIX: Final = "BENCH-RESULT "

#: The decode loop runs at least this long (and this many times) per measurement...
DECODE_MIN_SECONDS: Final = 1.0
DECODE_MIN_ITERATIONS: Final = 3
#: ...and never more than this many times.
DECODE_MAX_ITERATIONS: Final = 100_000


def _decode_loop(contender: Contender, body: bytes) -> Outcome:
    pages = iterations = 0
    t0 = time.perf_counter()
    while iterations < DECODE_MAX_ITERATIONS:
        pages += contender.decode(body)
        iterations += 1
        if iterations >= DECODE_MIN_ITERATIONS and time.perf_counter() - t0 >= DECODE_MIN_SECONDS:
            break
    return Outcome(items=pages, requests=iterations)


def run(contender_key: str, job: Job) -> dict[str, Any]:
    """Prepare (untimed), then time the job once; return the result record."""
    contender = load(contender_key)
    body = b""
    if job.op == "create":
        contender.prepare_create(page_pool())
    elif job.op == "decode":
        body = canned_list_body()
        contender.prepare_decode(body)
    # Garbage from preparation must not be collected (and charged) inside the timer.
    gc.collect()
    if job.op == "create":
        outcome, sample = measure(lambda: contender.create(job))
    elif job.op == "export":
        outcome, sample = measure(lambda: contender.export(job))
    elif job.op == "decode":
        outcome, sample = measure(lambda: _decode_loop(contender, body))
    else:
        raise ValueError(f"unknown op {job.op!r}")
    return {**sample.as_dict(), **asdict(outcome)}


def main() -> None:
    """Read the spec from stdin, print the result line."""
    spec = json.loads(sys.stdin.read())
    result = run(spec["contender"], Job(**spec["job"]))
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
