"""``hubpages import`` keeps its promise: every line ends up on HubSpot exactly once, the
summary and the exit status say truthfully what happened, and an input file edited
between runs, or while the import runs, never shifts a line onto another's page."""

# Small local files: blocking pathlib calls in these async tests are harmless.
# ruff: noqa: ASYNC240

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import anyio
import msgspec
from fault_proxy import FaultProxy, on

from hubpages_async.emulator import Emulator

from .conftest import hubpages

TEMPLATE = "templates/page.html"


def _line(**fields: object) -> bytes:
    return msgspec.json.encode({"templatePath": TEMPLATE, **fields})


def _write(path: Path, rows: list[bytes]) -> None:
    path.write_bytes(b"\n".join(rows) + b"\n")


def _titles(emu: Emulator) -> Counter[str]:
    return Counter(str(p.html_title) for p in emu.store.pages("site-pages"))


async def test_same_names_no_slugs_under_faults_every_line_once(tmp_path: Path) -> None:
    """2,000 lines, 50 names, no slugs, each its own htmlTitle, --no-journal, through 10%
    503, 5% answers lost after commit, 5% 429 and 3% resets: exactly 2,000 pages, each
    title once, and a summary that counts them (before the fix: 1,500-1,600 pages)."""
    source = tmp_path / "pages.jsonl"
    _write(source, [_line(name=f"Home {i % 50}", htmlTitle=f"title {i}") for i in range(2000)])
    async with Emulator(
        # A 200 ms window: an injected 429 asks for a 0.2 s pause, not HubSpot's 10 s.
        rate_limit="1000000/200ms",
        daily_limit=None,
        faults="503=0.1,drop=0.05,429=0.05,reset=0.03",
        fault_seed=11,
    ) as emu:
        result = await hubpages(
            "import",
            str(source),
            "--type",
            "site-pages",
            "--no-journal",
            "--chunk-size",
            "20",
            "--rate-limit",
            "none",
            "--base-url",
            emu.url,
        )
        faults = Counter(r.fault for r in emu.request_log if r.fault)
    summary = json.loads(result.stdout)
    titles = _titles(emu)
    assert min(faults["drop"], faults["503"], faults["reset"], faults["429"]) > 0, faults
    assert all(n == 1 for n in titles.values()), titles.most_common(3)
    assert summary["created"] + summary["failed"] == 2000
    assert summary["created"] == len(titles)
    if summary["failed"]:  # only an outcome that stayed unknown may be missing
        assert result.code == 1
        rejects = Path(summary["rejects"]).read_text().splitlines()
        assert {json.loads(r)["category"] for r in rejects} == {"OUTCOME_UNKNOWN"}
    else:
        assert result.code == 0, result.stderr
        assert len(titles) == 2000


async def test_refused_duplicate_slug_exits_1_with_the_reject(tmp_path: Path) -> None:
    """A and B share a slug, every batch-create answer is lost after commit, chunks of
    one: 1 created, 1 failed, B in the rejects file, exit 1 (before: created 2, exit 0)."""
    source = tmp_path / "pages.jsonl"
    _write(source, [_line(name="A", slug="same"), _line(name="B", slug="same")])
    async with (
        Emulator(rate_limit=None) as emu,
        FaultProxy(emu.url, on("/batch/create", "drop")) as proxy,
    ):
        result = await hubpages(
            "import",
            str(source),
            "--type",
            "site-pages",
            "--no-journal",
            "--chunk-size",
            "1",
            "--base-url",
            proxy.url,
        )
    assert result.code == 1, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["created"], summary["failed"]) == (1, 1)
    assert [str(p.name) for p in emu.store.pages("site-pages")] == ["A"]
    (reject,) = [json.loads(r) for r in Path(summary["rejects"]).read_text().splitlines()]
    assert (reject["line"], reject["input"]["name"]) == (2, "B")


async def test_rerun_over_an_edited_file_creates_each_line_once(tmp_path: Path) -> None:
    """Import 500 lines with a journal; add one line at the top and 500 at the bottom;
    rerun: the new first line and the 500 new ones are created, nothing twice (before:
    the new first line was never created and old line 500 was created twice)."""
    source = tmp_path / "pages.jsonl"
    old = [_line(name=f"page {i}", slug=f"page-{i}") for i in range(500)]
    _write(source, old)
    async with Emulator(rate_limit=None) as emu:
        first = await hubpages("import", str(source), "--type", "site-pages", "--base-url", emu.url)
        assert first.code == 0, first.stderr
        new = [_line(name=f"page {i}", slug=f"page-{i}") for i in range(500, 1000)]
        _write(source, [_line(name="new first", slug="new-first"), *old, *new])
        second = await hubpages(
            "import", str(source), "--type", "site-pages", "--base-url", emu.url
        )
        slugs = Counter(str(p.slug) for p in emu.store.pages("site-pages"))
    assert second.code == 0, second.stderr
    summary = json.loads(second.stdout)
    assert (summary["created"], summary["skipped"], summary["failed"]) == (501, 500, 0)
    assert len(slugs) == 1001
    assert set(slugs.values()) == {1}
    assert "new-first" in slugs


async def _wait_for_pages(emu: Emulator, n: int) -> None:
    """Poll the emulator (in this test's loop) until it holds ``n`` pages."""
    with anyio.fail_after(60):
        while len(emu.store.pages("site-pages")) < n:  # noqa: ASYNC110 - no event to wait on
            await anyio.sleep(0.01)


async def test_file_changed_during_the_import_stops_before_the_change(tmp_path: Path) -> None:
    """Lines rewritten in place while the import runs: exit 2 naming the line, nothing
    of the new content sent, no traceback (before: a traceback after 500 pages)."""
    source = tmp_path / "pages.jsonl"
    rows = [_line(name=f"page {i}", htmlTitle=f"old {i}") for i in range(1000)]
    _write(source, rows)
    async with Emulator(rate_limit=None, latency=0.05) as emu:
        async with anyio.create_task_group() as tg:

            async def edit_when_started() -> None:
                await _wait_for_pages(emu, 30)
                edited = [
                    *rows[:800],
                    *(_line(name=f"page {i}", htmlTitle=f"new {i}") for i in range(800, 1000)),
                ]
                # In place (same inode, as ``>`` or an editor writing through does).
                with source.open("r+b") as stream:
                    stream.write(b"\n".join(edited) + b"\n")

            tg.start_soon(edit_when_started)
            result = await hubpages(
                "import",
                str(source),
                "--type",
                "site-pages",
                "--chunk-size",
                "10",
                "--concurrency",
                "1",
                "--base-url",
                emu.url,
            )
        titles = _titles(emu)
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "line 801 changed after validation" in result.stderr
    assert not any(t.startswith("new") for t in titles)
    assert len(titles) == json.loads(result.stdout)["created"] <= 800


async def test_file_cut_during_the_import_stops_with_exit_2(tmp_path: Path) -> None:
    """The file truncated while the import runs: exit 2 saying where it ends (before:
    exit 0 with 700 records never sent)."""
    source = tmp_path / "pages.jsonl"
    rows = [_line(name=f"page {i}") for i in range(1000)]
    _write(source, rows)
    async with Emulator(rate_limit=None, latency=0.05) as emu, anyio.create_task_group() as tg:

        async def cut_when_started() -> None:
            await _wait_for_pages(emu, 30)
            _write(source, rows[:300])

        tg.start_soon(cut_when_started)
        result = await hubpages(
            "import",
            str(source),
            "--type",
            "site-pages",
            "--no-journal",
            "--chunk-size",
            "10",
            "--concurrency",
            "1",
            "--base-url",
            emu.url,
        )
    assert result.code == 2, result.stderr
    assert "the file ends before line 301" in result.stderr
    assert "Traceback" not in result.stderr
