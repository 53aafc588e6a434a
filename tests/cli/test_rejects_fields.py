"""The rejects file names, per refused input, the HTTP status and the correlation id of
the answer that refused it, as the README promises (issue 11)."""

# Small local files: blocking pathlib calls in these async tests are harmless.
# ruff: noqa: ASYNC240

from __future__ import annotations

import json
from pathlib import Path

import msgspec

from hubpages_async.emulator import Emulator

from .conftest import hubpages


def _line(slug: str) -> bytes:
    return msgspec.json.encode({"name": f"page {slug}", "templatePath": "t.html", "slug": slug})


async def test_a_207_writes_its_status_and_correlation_id_into_each_reject(
    emulator: Emulator, tmp_path: Path
) -> None:
    taken = tmp_path / "taken.jsonl"
    taken.write_bytes(_line("taken") + b"\n")
    first = await hubpages(
        "import", str(taken), "--type", "site-pages", "--no-journal", "--base-url", emulator.url
    )
    assert first.code == 0, first.stderr
    # One batch: line 2's slug exists already, lines 3 and 4 share one, so HubSpot
    # applies line 3 and refuses 2 and 4 in the errors of a 207.
    source = tmp_path / "pages.jsonl"
    source.write_bytes(b"\n".join([_line("a"), _line("taken"), _line("b"), _line("b")]) + b"\n")
    result = await hubpages(
        "import", str(source), "--type", "site-pages", "--no-journal", "--base-url", emulator.url
    )
    assert result.code == 1, result.stderr
    answers = [r for r in emulator.request_log if r.path.endswith("/batch/create")]
    assert [r.status for r in answers] == [201, 207]
    sent = answers[1].correlation_id
    assert sent  # the header the emulator sent with the 207
    rejects = [json.loads(row) for row in Path(f"{source}.rejects.jsonl").read_text().splitlines()]
    assert [r["line"] for r in rejects] == [2, 4]
    assert [r["category"] for r in rejects] == ["CONFLICT", "CONFLICT"]
    assert [r["status"] for r in rejects] == [207, 207]
    assert [r["correlationId"] for r in rejects] == [sent, sent]
    assert [r["input"]["slug"] for r in rejects] == ["taken", "b"]
