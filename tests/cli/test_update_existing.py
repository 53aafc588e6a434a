"""``import --update-existing`` matches ids as they are, and ids are per portal: a file
whose ids none exist at the destination (exported from another portal) is refused with
exit 2 before anything is written, and points at ``migrate`` (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec

from hubpages_async.emulator import Emulator

from .conftest import hubpages

TOKENS = ["portal-one@1", "portal-two@2"]


def _write(path: Path, n: int, prefix: str) -> None:
    rows = [
        {"name": f"{prefix} {i}", "templatePath": "t.html", "slug": f"{prefix}-{i}"}
        for i in range(n)
    ]
    path.write_bytes(b"\n".join(msgspec.json.encode(r) for r in rows) + b"\n")


async def _run(emu: Emulator, token: str, *args: str) -> tuple[int, str, str]:
    result = await hubpages(
        *args, "--base-url", emu.url, "--no-journal", env={"HUBSPOT_ACCESS_TOKEN": token}
    )
    return result.code, result.stdout, result.stderr


async def _export(emu: Emulator, token: str, out: Path) -> None:
    result = await hubpages(
        "export", "--type", "site-pages", "--base-url", emu.url, "-o", str(out),
        env={"HUBSPOT_ACCESS_TOKEN": token},
    )  # fmt: skip
    assert result.code == 0, result.stderr


async def test_ids_from_another_portal_are_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, tokens=TOKENS) as emu:
        for token, prefix in (("portal-one", "one"), ("portal-two", "two")):
            source = tmp_path / f"{prefix}.jsonl"
            _write(source, 3, prefix)
            code, _out, err = await _run(emu, token, "import", str(source), "--type", "site-pages")
            assert code == 0, err
        exported = tmp_path / "from-portal-one.jsonl"
        await _export(emu, "portal-one", exported)
        before = {p.id: p.name for p in emu.store.pages("site-pages", portal=2)}
        seen = len(emu.request_log)

        code, out, err = await _run(
            emu, "portal-two", "import", str(exported), "--type", "site-pages", "--update-existing"
        )
        assert code == 2, err
        assert "none of the 3 ids" in err
        assert "hubpages migrate" in err
        assert "Traceback" not in err
        assert out == ""
        sent = emu.request_log[seen:]
        assert sent, "the check reads the destination"
        assert {r.method for r in sent} == {"GET"}  # no POST (batch), no PATCH
        assert {r.portal for r in sent} == {2}
        assert {p.id: p.name for p in emu.store.pages("site-pages", portal=2)} == before
        assert len(emu.store.pages("site-pages", portal=2)) == 3


async def test_ids_that_exist_at_the_destination_still_update(tmp_path: Path) -> None:
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, tokens=TOKENS) as emu:
        source = tmp_path / "two.jsonl"
        _write(source, 3, "two")
        code, _out, err = await _run(
            emu, "portal-two", "import", str(source), "--type", "site-pages"
        )
        assert code == 0, err
        exported = tmp_path / "export.jsonl"
        await _export(emu, "portal-two", exported)
        rows = [json.loads(line) for line in exported.read_text().splitlines()]
        for row in rows:
            row["htmlTitle"] = f"edited {row['name']}"
        # One line without an id: created, as without --update-existing.
        rows.append({"name": "new", "templatePath": "t.html", "slug": "new"})
        exported.write_text("".join(json.dumps(row) + "\n" for row in rows))

        code, out, err = await _run(
            emu, "portal-two", "import", str(exported), "--type", "site-pages", "--update-existing"
        )
        assert code == 0, err
        summary = json.loads(out)
        assert (summary["updated"], summary["created"], summary["failed"]) == (3, 1, 0)
        pages = emu.store.pages("site-pages", portal=2)
        assert len(pages) == 4
        titles = sorted(str(p.html_title) for p in pages if p.name != "new")
        assert titles == ["edited two 0", "edited two 1", "edited two 2"]
