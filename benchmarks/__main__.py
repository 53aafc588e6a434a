"""``python -m benchmarks [scenario ...] [--rounds N] [--quick]``: run, then write results."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from ._harness import REPO_ROOT, run_scenarios
from ._report import markdown, readme_snippet, write_chart, write_json
from ._stats import evaluate_targets, summarize
from .scenarios import SCENARIOS, select

RESULTS_DIR = Path(__file__).resolve().parent / "results"
_PACKAGES = ("hubpages-async", "hubspot-sdk", "hubspot-api-client", "aiohttp", "msgspec",
             "httpx", "pydantic", "urllib3")  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    names = ", ".join(f"{s.number}={s.key}" for s in SCENARIOS)
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="hubpages_async vs hubspot-sdk vs hubspot-api-client vs a bare floor.",
    )
    parser.add_argument("scenarios", nargs="*", help=f"scenarios to run (default: all): {names}")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per scenario (default 3)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for iteration")
    parser.add_argument("--count", type=int, help="override every chosen scenario's size")
    parser.add_argument(
        "--only",
        action="append",
        metavar="CONTENDER",
        help="run only these contenders (repeatable): hubpages_async, hubspot-sdk, "
        "hubspot-api-client, floor",
    )
    parser.add_argument(
        "--output", help="results file stem in benchmarks/results/ (default from the selection)"
    )
    return parser


def _versions() -> dict[str, str]:
    found = {}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def _machine() -> str:
    mem = ""
    try:
        import psutil

        mem = f", {psutil.virtual_memory().total / 1e9:.0f} GB RAM"
    except ImportError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores{mem}, " \
        f"Python {platform.python_version()}"  # fmt: skip


def _stem(args: argparse.Namespace) -> str:
    if args.output:
        return str(args.output)
    stem = "results" if not args.scenarios else "results-" + "-".join(args.scenarios)
    return stem + ("-quick" if args.quick else "")


def main(argv: list[str] | None = None) -> int:
    """Run the chosen scenarios and write the results; the exit code is 1 if any run failed."""
    args = _parser().parse_args(argv)
    if not 1 <= args.rounds <= 20:
        raise SystemExit("--rounds must be between 1 and 20")
    try:
        scenarios = [
            s.sized(args.quick, args.count).only(args.only) for s in select(args.scenarios)
        ]
    except KeyError as exc:
        raise SystemExit(str(exc)) from None
    started = datetime.now(UTC)
    load_before = os.getloadavg()[1]
    runs = run_scenarios(scenarios, args.rounds)
    finished = datetime.now(UTC)
    # Other work on a shared machine skews wall times: record how busy it was.
    load_after = os.getloadavg()[1]
    sections = []
    # Run order is chosen for the machine (see scenarios.RUN_ORDER); report in issue order.
    for scenario in sorted(scenarios, key=lambda s: s.number):
        rows = summarize(scenario, runs)
        sections.append((scenario, rows, evaluate_targets(scenario, rows)))
    meta: dict[str, Any] = {
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "finished": finished.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": _machine(),
        "load": f"5-minute load average {load_before:.2f} at the start, "
        f"{load_after:.2f} at the end",
        "rounds": args.rounds,
        "mode": "quick" if args.quick else "full",
        "argv": sys.argv[1:] if argv is None else argv,
        "commit": _git_commit(),
        "versions": _versions(),
    }
    stem = _stem(args)
    RESULTS_DIR.mkdir(exist_ok=True)
    write_json(RESULTS_DIR / f"{stem}.json", meta, [r.as_dict() for r in runs], sections)
    (RESULTS_DIR / f"{stem}.md").write_text(markdown(meta, sections), encoding="utf-8")
    write_chart(RESULTS_DIR / f"{stem}.png", sections)
    snippet = readme_snippet(meta, sections, stem)
    # The full run's snippet is the one the README quotes; partial runs get their own.
    snippet_name = "README-snippet.md" if stem == "results" else f"{stem}-README-snippet.md"
    (RESULTS_DIR / snippet_name).write_text(snippet, encoding="utf-8")
    print(markdown(meta, sections))
    print(f"\nwrote {RESULTS_DIR}/{stem}.{{json,md,png}} and {snippet_name}", file=sys.stderr)
    return 1 if any(r.error for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
