"""Write the results: JSON (everything), a markdown table with ratios, a PNG chart, and the
README snippet. Everything here is derived from the runs; no number is typed by hand."""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._stats import PEERS, RSS_BUDGET_MB, Summary, Target
from .scenarios import CEILING_PAGES_PER_S, FLOOR, OURS, Scenario

__all__ = ["markdown", "readme_snippet", "write_chart", "write_json"]

Section = tuple[Scenario, list[Summary], list[Target]]


def write_json(path: Path, meta: dict[str, Any], runs: list[dict[str, Any]],
               sections: Sequence[Section]) -> None:  # fmt: skip
    """Every run and every summary, for later analysis."""
    data = {
        "meta": meta,
        "scenarios": [
            {
                "key": s.key,
                "number": s.number,
                "title": s.title,
                "count": s.count,
                "summary": [row.as_dict() for row in rows],
                "targets": [t.as_dict() for t in targets],
            }
            for s, rows, targets in sections
        ],
        "runs": runs,
    }
    path.write_text(json.dumps(data, indent=2, allow_nan=True) + "\n", encoding="utf-8")


def _num(value: float, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def _times(value: float | None) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.2f}x"


def _ours(rows: Sequence[Summary]) -> Summary | None:
    return next((r for r in rows if r.contender == OURS and r.runs), None)


def _by_contender(rows: Sequence[Summary], contender: str) -> Summary | None:
    return next((r for r in rows if r.contender == contender and r.runs), None)


def _table(scenario: Scenario, rows: Sequence[Summary]) -> list[str]:
    ours = _ours(rows)
    floor = _by_contender(rows, FLOOR)
    decode = scenario.op == "decode"
    head = ["contender", "pages/s (median)", "spread", "wall s (min-max)"]
    if decode:
        head = ["contender", "pages/s (median, CPU time)", "spread", "ms per 100-page decode"]
    head += [
        "CPU s",
        "peak RSS growth MB",
        "429s (sum)",
        "errors (sum)",
        "runs",
        "hubpages_async speedup",
    ]
    if floor:
        head.append("time vs floor")
    if scenario.key.startswith("create-limited"):
        head.append("share of ceiling")
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for row in rows:
        if not row.runs:
            lines.append(f"| {row.label} | failed: {row.notes} |" + " |" * (len(head) - 2))
            continue
        timing = (
            _num(100_000 / row.rate, 2)
            if decode
            else f"{_num(row.wall_s, 2)} ({_num(row.wall_min_s, 2)}-{_num(row.wall_max_s, 2)})"
        )
        cells = [
            row.label,
            _num(row.rate),
            f"±{row.spread / 2:.0%}" if row.runs > 1 else "-",
            timing,
            _num(row.cpu_s, 2),
            _num(row.rss_growth_mb, 1),
            str(row.n429),
            str(row.errors),
            str(row.runs),
            "-" if row is ours or ours is None else _times(ours.rate / row.rate),
        ]
        if floor:
            cells.append(_times(floor.rate / row.rate))
        if scenario.key.startswith("create-limited"):
            cells.append(f"{row.rate / CEILING_PAGES_PER_S:.1%}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _target_lines(targets: Sequence[Target], *, prefix: str = "") -> list[str]:
    lines = []
    for t in targets:
        mark = {True: "met", False: "MISSED", None: "not measured"}[t.met]
        value = "" if t.measured is None else (
            f"{t.measured:.1%}" if t.unit == "share"
            else f"{t.measured:,.2f}{'' if t.unit == 'x' else ' '}{t.unit}"
        )  # fmt: skip
        why = "" if t.met else f"; {t.detail}"
        lines.append(f"- {prefix}Target {t.text}: **{mark}** ({value}{why})")
    return lines


METHOD = """\
### How it was measured

- Every measurement runs in a fresh worker process (`benchmarks/_worker.py`): wall time
  (`perf_counter`), CPU time of the whole process (`process_time`, all threads) and peak
  RSS growth (the kernel's `VmHWM`, reset just before the timed call) cover only the
  timed call. Inputs are prepared before the timer starts.
- The server is the emulator (`python -m hubpages_async.emulator`, its own process,
  127.0.0.1): a fresh one per create run (empty store, empty rate-limit window), one
  seeded emulator per export scenario (an untimed warm-up pass first when it has no
  latency; 11 s pauses between rate-limited runs so the window empties). Scenario 5a
  creates into `benchmarks/_sink.py`, a bare page sink with O(1) memory (a million
  created pages would be stored); 5b exports from the emulator itself, seeded with a
  million generated pages per kind (pages built from their ids on demand).
- Inputs are the emulator's `realistic_page()` (every writable field, nested layout
  sections), converted once into each client's own input type; each input gets a unique
  slug and name.
- hubpages_async: `create_many(chunk_size=100)` and `export()` (one cursor chain unless
  the row says shards), configured with the emulator's limit where it has one and with a
  limit it cannot reach where it has none. hubspot-sdk: `AsyncHubSpot` (httpx, default
  retries), `asyncio.gather` over `batch.create_site_pages` calls of 100, auto-paginating
  `site_pages.list(limit=100)`. hubspot-api-client: `HubSpot(retry=Retry(total=5,
  status_forcelist=(429,)))` as its README shows, a plain loop of `create_batch` calls,
  `fetch_all()` for export (it returns one list). Floor: aiohttp + msgspec into dicts,
  same chunking and concurrency as hubpages_async, no limiter, no retries.
- `create_many` keeps each input's outcome and id in its report by default
  (`collect="ids"`), not the created page; scenarios 2 and 3 run it that way, where the
  peers' drivers keep only counts; scenario 5a runs it with `collect=False`.
- Decode throughput is computed from CPU time (a single-threaded decode is immune to
  other load that way); everything else from wall time. 429s and errors are summed over
  runs. Slow peers are measured in fewer rounds (the `runs` column) to keep a full run
  under half an hour."""


def markdown(meta: dict[str, Any], sections: Sequence[Section]) -> str:
    """The full results table: one section per scenario, ratios and targets under each."""
    out = [
        "# hubpages_async benchmarks",
        "",
        f"Run {meta['started']} to {meta['finished']} on {meta['machine']}; "
        f"{meta['rounds']} round(s), median and spread (half the min-max range of "
        f"throughput, relative to the median); mode: {meta['mode']}.",
        f"Machine load: {meta.get('load', 'not recorded')}.",
        f"Versions: {', '.join(f'{k} {v}' for k, v in meta['versions'].items())}.",
        "",
        "`hubpages_async speedup` is hubpages_async's throughput divided by the row's; "
        "`time vs floor` is the row's time for the same work divided by the bare "
        "aiohttp + msgspec floor's.",
        "",
        f"Commit {meta['commit']}; command: `python -m benchmarks {' '.join(meta['argv'])}`.",
        "",
        METHOD,
        "",
    ]
    for scenario, rows, targets in sections:
        unit = "decodes of a 100-page response" if scenario.op == "decode" else "pages"
        n = "" if scenario.op == "decode" else f" (n = {scenario.count:,} {unit})"
        out += [f"## {scenario.number}. {scenario.title}{n}", ""]
        out += _table(scenario, rows)
        out.append("")
        if targets:
            out += [*_target_lines(targets), ""]
        notes = [f"{r.label}: {r.notes}" for r in rows if r.notes]
        if notes:
            out += ["Notes: " + " | ".join(notes), ""]
    return "\n".join(out)


def readme_snippet(meta: dict[str, Any], sections: Sequence[Section], results_name: str) -> str:
    """A short Performance section for README.md (the CLI engineer owns README)."""
    lines = [
        "## Performance",
        "",
        "Measured side by side in one run against the bundled emulator (its own process, "
        "127.0.0.1), each contender in a fresh process, rounds alternating; medians shown. "
        f"Machine: {meta['machine']}; run {meta['started']}.",
        "",
        "| scenario | hubpages_async | hubspot-sdk | hubspot-api-client "
        "| floor (aiohttp + msgspec) |",
        "|---|---:|---:|---:|---:|",
    ]
    for scenario, rows, _targets in sections:
        cells = []
        for contender in (OURS, *PEERS):
            candidates = [r for r in rows if r.contender == contender and r.runs]
            if not candidates:
                cells.append("-")
                continue
            cells.append("<br>".join(_cell(scenario, r) for r in candidates))
        n = "" if scenario.op == "decode" else f" (n = {scenario.count:,})"
        lines.append(f"| {scenario.number}. {scenario.title}{n} | " + " | ".join(cells) + " |")
    lines += ["", "Targets of the issue (reported, not asserted):", ""]
    for scenario, _rows, targets in sections:
        lines += _target_lines(targets, prefix=f"{scenario.number}. ")
    lines += [
        "",
        f"Full table with CPU time, memory, spread and ratios: "
        f"[`benchmarks/results/{results_name}.md`](benchmarks/results/{results_name}.md). "
        "Reproduce with:",
        "",
        "```sh",
        "nox -s bench                       # every scenario, full sizes",
        "nox -s bench -- --quick            # small sizes, a few minutes",
        "python -m benchmarks export decode --rounds 5   # chosen scenarios",
        "```",
        "",
    ]
    return "\n".join(lines)


def _cell(scenario: Scenario, row: Summary) -> str:
    variant = row.label.removeprefix(OURS).strip() if row.contender == OURS else ""
    prefix = f"{variant} " if variant else ""
    if scenario.key.startswith("memory"):
        return f"{prefix}+{row.rss_growth_max_mb:,.0f} MB RSS"
    if scenario.op == "decode":
        return f"{prefix}{100_000 / row.rate:,.1f} ms"
    text = f"{prefix}{row.rate:,.0f} pages/s"
    if scenario.key.startswith("create-limited"):
        text += f" ({row.rate / CEILING_PAGES_PER_S:.0%}, {row.n429} 429s)"
    return text


def write_chart(path: Path, sections: Sequence[Section]) -> None:
    """One panel per scenario: throughput bars (log scale) or RSS growth for scenario 5."""
    import matplotlib

    matplotlib.use("Agg")  # no display on the benchmark machine
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    panels = [s for s in sections if s[1]]
    cols = 1 if len(panels) == 1 else 2
    nrows = max(1, math.ceil(len(panels) / cols))
    fig, axes = plt.subplots(nrows, cols, figsize=(13, 3.2 * nrows), squeeze=False)
    colors = {OURS: "#2b8a3e", "hubspot-sdk": "#e8590c", "hubspot-api-client": "#c2255c",
              FLOOR: "#868e96"}  # fmt: skip
    for ax, (scenario, rows, _targets) in zip(axes.flat, panels, strict=False):
        ok = [r for r in rows if r.runs]
        labels = [r.label for r in ok]
        color = [colors.get(r.contender, "#495057") for r in ok]
        if scenario.key.startswith("memory"):
            values = [r.rss_growth_max_mb for r in ok]
            ends = values
            ax.barh(labels, values, color=color)
            ax.axvline(RSS_BUDGET_MB, color="red", linestyle="--", label="target 100 MB")
            ax.set_xlabel("peak RSS growth, MB")
            ax.set_xlim(0, max([*values, RSS_BUDGET_MB]) * 1.3)
            ax.legend(loc="lower right", fontsize=8)
        else:
            values = [r.rate for r in ok]
            ends = [r.rate_max for r in ok]
            err = [[r.rate - r.rate_min for r in ok], [r.rate_max - r.rate for r in ok]]
            ax.barh(labels, values, xerr=err, color=color, capsize=3)
            ax.set_xscale("log")
            # Label only the decades: minor-tick labels on a log axis collide.
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel("pages/s (median, min-max), log scale")
            # Room on the right for the value labels (a factor, on a log axis).
            ax.set_xlim(right=max(ends, default=1) * 4)
            if scenario.key.startswith("create-limited"):
                ax.axvline(CEILING_PAGES_PER_S, color="red", linestyle="--", label="ceiling")
                ax.legend(loc="lower right", fontsize=8)
        for y, (v, end) in enumerate(zip(values, ends, strict=True)):
            ax.annotate(f"  {v:,.0f}", (end, y), va="center", fontsize=8)
        ax.invert_yaxis()
        n = "" if scenario.op == "decode" else f", n={scenario.count:,}"
        title = textwrap.fill(f"{scenario.number}. {scenario.title}{n}", 70)
        ax.set_title(title, fontsize=9)
        ax.tick_params(axis="y", labelsize=8)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
