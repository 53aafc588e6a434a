"""A server that cannot be reached gets its own exit status (3), one line naming the
server (never the token) and, for a bulk job, how to resume (issue 11)."""

# Small local files: blocking pathlib calls in these async tests are harmless.
# ruff: noqa: ASYNC240

from __future__ import annotations

import json
import socket
from pathlib import Path

import msgspec
import pytest
from fault_proxy import Action, FaultProxy

from hubpages_async.emulator import Emulator

from .conftest import Result, hubpages

TOKEN = "pat-na1-secret-never-shown"
EXIT_UNREACHABLE = 3


def _closed_port() -> int:
    """A port nothing listens on: bound, then closed (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _lines(n: int) -> bytes:
    rows = [{"name": f"p {i}", "templatePath": "t.html", "slug": f"p-{i}"} for i in range(n)]
    return b"\n".join(msgspec.json.encode(r) for r in rows) + b"\n"


def _one_clear_line(result: Result, url: str) -> None:
    errors = [line for line in result.stderr.splitlines() if line.startswith("hubpages: error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"hubpages: error: could not reach the server at {url}: ")
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr + result.stdout


async def test_export_to_a_closed_port_exits_3(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    out = tmp_path / "out.jsonl"
    result = await hubpages(
        "export", "--type", "site-pages", "--base-url", url, "-o", str(out),
        env={"HUBSPOT_ACCESS_TOKEN": TOKEN},
    )  # fmt: skip
    assert result.code == EXIT_UNREACHABLE, result.stderr
    _one_clear_line(result, url)
    assert "cannot connect" in result.stderr
    assert result.stdout == ""
    assert not out.exists()


async def test_import_to_a_closed_port_exits_3(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    source = tmp_path / "pages.jsonl"
    source.write_bytes(_lines(3))
    result = await hubpages(
        "import", str(source), "--type", "site-pages", "--base-url", url,
        env={"HUBSPOT_ACCESS_TOKEN": TOKEN},
    )  # fmt: skip
    assert result.code == EXIT_UNREACHABLE, result.stderr
    _one_clear_line(result, url)
    assert result.stdout == ""


async def test_a_server_gone_during_an_import_exits_3_and_says_how_to_resume(
    emulator: Emulator, tmp_path: Path
) -> None:
    """The preflight read is answered, then no request is: every input is left
    unconfirmed, which is not "some inputs were refused" (exit 1) but exit 3, with the
    command that resumes; the rerun, once the server answers, creates each page once."""
    gone = True

    def script(n: int, method: str, _path: str) -> Action:
        return "reset" if gone and not (method == "GET" and n == 1) else "pass"

    source = tmp_path / "pages.jsonl"
    source.write_bytes(_lines(3))
    async with FaultProxy(emulator.url, script) as proxy:
        argv = ("import", str(source), "--type", "site-pages", "--base-url", proxy.url)
        result = await hubpages(*argv, env={"HUBSPOT_ACCESS_TOKEN": TOKEN})
        assert result.code == EXIT_UNREACHABLE, result.stderr
        _one_clear_line(result, proxy.url)
        assert "3 of 3 inputs were not sent or not confirmed" in result.stderr
        assert "refused" not in result.stderr
        (hint,) = [line for line in result.stderr.splitlines() if "to resume" in line]
        assert hint.endswith(f"run: hubpages {' '.join(argv)}")
        rejects = Path(f"{source}.rejects.jsonl").read_text().splitlines()
        assert {json.loads(r)["category"] for r in rejects} == {"OUTCOME_UNKNOWN"}

        gone = False
        again = await hubpages(*argv, env={"HUBSPOT_ACCESS_TOKEN": TOKEN})
    assert again.code == 0, again.stderr
    slugs = sorted(str(p.slug) for p in emulator.store.pages("site-pages"))
    assert slugs == ["p-0", "p-1", "p-2"]


@pytest.mark.parametrize("command", ["migrate", "verify"])
async def test_migrate_and_verify_to_a_closed_port_exit_3(
    command: str, emulator: Emulator, tmp_path: Path
) -> None:
    # The source answers, the destination is a closed port.
    url = f"http://127.0.0.1:{_closed_port()}"
    (tmp_path / "migrate.journal").touch()  # verify reads a journal's id map: none yet
    result = await hubpages(
        command, "--base-url", emulator.url, "--to-base-url", url, "--to-token-env", "DST",
        "--journal", str(tmp_path / "migrate.journal"),
        env={"HUBSPOT_ACCESS_TOKEN": TOKEN, "DST": TOKEN},
    )  # fmt: skip
    assert result.code == EXIT_UNREACHABLE, result.stderr
    _one_clear_line(result, url)
