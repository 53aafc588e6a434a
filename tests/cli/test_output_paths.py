"""Where the CLI writes (issue 10, cases 5 and 6 and "Output paths").

``export -o`` onto a FIFO or a character device writes into it; onto a symlink it
replaces the target and keeps the link; a directory or an unwritable place is refused
with exit 2 before anything is sent. ``--rejects`` / ``--journal`` naming the input
(or each other, through symlinks and hard links) are refused with exit 2 before
anything is sent. A full disk (ENOSPC) or a file-size limit (EFBIG) while writing is
exit 1 with one line, the previous file intact, and no temporary file named.
"""

# Small local files: blocking pathlib calls in these async tests are harmless.
# ruff: noqa: ASYNC240

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import anyio
import msgspec
import pytest

from hubpages_async.emulator import Emulator
from hubpages_async.emulator.pytest_plugin import EmulatorFactory

from .conftest import Result, hubpages, run_python

PAGES = 200


@pytest.fixture
async def seeded(emulator_factory: EmulatorFactory) -> Emulator:
    """An emulator holding PAGES site pages (a few hundred KB of export)."""
    return await emulator_factory(host="127.0.0.1", port=0, rate_limit=None, seed_pages=PAGES)


def _export(emulator: Emulator, out: Path | str, *extra: str) -> list[str]:
    return [
        "export",
        "--type",
        "site-pages",
        "--base-url",
        emulator.url,
        "-o",
        str(out),
        *extra,
    ]


def _assert_one_clean_line(result: Result, *, code: int, expected: str) -> None:
    assert result.code == code, result.stderr
    assert "Traceback" not in result.stderr
    assert ".partial" not in result.stderr  # the temporary file is never named
    lines = [line for line in result.stderr.splitlines() if line.startswith("hubpages: error")]
    assert len(lines) == 1, result.stderr
    assert expected in lines[0], result.stderr


def _need_root() -> None:
    """Device nodes and tmpfs mounts need root: fail under CI, skip elsewhere."""
    if os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("this test needs root (mknod, mount) and CI must run it")
        pytest.skip("needs root (mknod, mount)")


@contextlib.contextmanager
def _tmpfs(where: Path, options: str) -> Iterator[Path]:
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


# -- case 5: export -o onto things that are not regular files --------------------------


async def test_export_into_a_fifo_writes_into_it(seeded: Emulator, tmp_path: Path) -> None:
    fifo = tmp_path / "pages.fifo"
    os.mkfifo(fifo)
    # Opened non-blocking before the export starts, and read while it runs: no thread
    # can hang in open() even if the FIFO is replaced under it (the unfixed behaviour).
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    received = bytearray()

    def drain() -> None:
        with contextlib.suppress(BlockingIOError):
            while chunk := os.read(reader, 1 << 16):
                received.extend(chunk)

    try:
        async with anyio.create_task_group() as tg:
            done = anyio.Event()

            async def run() -> None:
                results.append(await hubpages(*_export(seeded, fifo)))
                done.set()

            results: list[Result] = []
            tg.start_soon(run)
            while not done.is_set():
                drain()
                await anyio.sleep(0.01)
        drain()
    finally:
        os.close(reader)
    assert results[0].code == 0, results[0].stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert len(bytes(received).splitlines()) == PAGES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages.fifo"]


async def test_export_into_a_character_device_writes_into_it(
    seeded: Emulator, tmp_path: Path
) -> None:
    _need_root()
    # A private twin of /dev/null: the unfixed code renames over whatever -o names.
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    rdev = os.lstat(device).st_rdev
    result = await hubpages(*_export(seeded, device))
    assert result.code == 0, result.stderr
    assert stat.S_ISCHR(os.lstat(device).st_mode), "the device node was replaced"
    assert os.lstat(device).st_rdev == rdev
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


async def test_export_into_a_full_device_is_exit_1_in_one_line(
    seeded: Emulator, tmp_path: Path
) -> None:
    _need_root()
    # A private twin of /dev/full (every write: ENOSPC). Never the real one: the unfixed
    # code renamed a regular file over it, which broke it for the whole machine.
    device = tmp_path / "full"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    result = await hubpages(*_export(seeded, device))
    _assert_one_clean_line(result, code=1, expected=f"{device}: No space left on device")
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


async def test_export_onto_a_symlink_replaces_its_target_and_keeps_the_link(
    seeded: Emulator, tmp_path: Path
) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "pages.jsonl"
    target.write_text("previous\n")
    target.chmod(0o640)
    link = tmp_path / "latest.jsonl"
    link.symlink_to(target)
    result = await hubpages(*_export(seeded, link))
    assert result.code == 0, result.stderr
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assert len(target.read_text().splitlines()) == PAGES
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in real_dir.iterdir()) == ["pages.jsonl"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.jsonl", "real"]


async def test_export_onto_a_dangling_symlink_creates_its_target(
    seeded: Emulator, tmp_path: Path
) -> None:
    target = tmp_path / "made.jsonl"
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    result = await hubpages(*_export(seeded, link))
    assert result.code == 0, result.stderr
    assert link.is_symlink()
    assert len(target.read_text().splitlines()) == PAGES


@pytest.mark.parametrize("where", ["directory", "missing-directory", "read-only-directory"])
async def test_export_to_an_unwritable_place_is_exit_2_before_anything_is_sent(
    where: str, seeded: Emulator, tmp_path: Path
) -> None:
    with contextlib.ExitStack() as stack:
        if where == "directory":
            out, expected = tmp_path, "is a directory"
        elif where == "missing-directory":
            out, expected = tmp_path / "nope" / "pages.jsonl", "no such directory"
        else:
            if os.geteuid() == 0:
                ro = stack.enter_context(_tmpfs(tmp_path / "ro", "ro,size=64k"))
            else:
                ro = tmp_path / "ro"
                ro.mkdir(mode=0o500)
            out, expected = ro / "pages.jsonl", "cannot write"
        seeded.request_log.clear()
        result = await hubpages(*_export(seeded, out))
    _assert_one_clean_line(result, code=2, expected=expected)
    assert str(out) in result.stderr
    assert len(seeded.request_log) == 0


async def test_a_full_disk_is_exit_1_and_keeps_the_previous_file(
    seeded: Emulator, tmp_path: Path
) -> None:
    _need_root()
    with _tmpfs(tmp_path / "small", "size=64k") as small:
        out = small / "pages.jsonl"
        out.write_text("previous good export\n")
        result = await hubpages(*_export(seeded, out))
        _assert_one_clean_line(result, code=1, expected="No space left on device")
        assert str(out) in result.stderr
        assert out.read_text() == "previous good export\n"
        assert sorted(p.name for p in small.iterdir()) == ["pages.jsonl"]


async def test_a_file_size_limit_is_exit_1_and_keeps_the_previous_file(
    seeded: Emulator, tmp_path: Path
) -> None:
    out = tmp_path / "pages.jsonl"
    out.write_text("previous good export\n")
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (32768, 32768))\n"
        "from hubpages_async.cli.__main__ import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    status, stdout, stderr = await run_python(code, *_export(seeded, out))
    _assert_one_clean_line(Result(status, stdout, stderr), code=1, expected="File too large")
    assert out.read_text() == "previous good export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pages.jsonl"]


# -- case 6: import's --rejects and --journal ----------------------------------------------


def _inputs(path: Path, n: int = 21) -> bytes:
    rows = [{"name": f"p{i}", "templatePath": "t/p.html", "slug": f"p-{i}"} for i in range(n)]
    data = b"".join(msgspec.json.encode(r) + b"\n" for r in rows)
    path.write_bytes(data)
    return data


def _import(emulator: Emulator, source: Path, *extra: str) -> list[str]:
    return ["import", str(source), "--type", "site-pages", "--base-url", emulator.url, *extra]


@pytest.mark.parametrize(
    "how",
    [
        "rejects=input",
        "rejects=symlink-to-input",
        "rejects=hardlink-to-input",
        "journal=input",
        "journal=rejects",
        "journal=rejects-not-yet-existing",
    ],
)
async def test_import_refuses_paths_that_name_the_input_or_each_other(
    how: str, emulator: Emulator, tmp_path: Path
) -> None:
    source = tmp_path / "pages.jsonl"
    data = _inputs(source)
    if how == "rejects=input":
        extra = ["--rejects", str(source)]
    elif how == "rejects=symlink-to-input":
        (tmp_path / "link").symlink_to(source)
        extra = ["--rejects", str(tmp_path / "link")]
    elif how == "rejects=hardlink-to-input":
        os.link(source, tmp_path / "hard")
        extra = ["--rejects", str(tmp_path / "hard")]
    elif how == "journal=input":
        extra = ["--journal", str(source)]
    elif how == "journal=rejects":
        (tmp_path / "both").write_text("")
        extra = ["--journal", str(tmp_path / "both"), "--rejects", str(tmp_path / "sub/../both")]
    else:
        extra = ["--journal", str(tmp_path / "new"), "--rejects", str(tmp_path / "./new")]
    result = await hubpages(*_import(emulator, source, *extra))
    _assert_one_clean_line(result, code=2, expected="same file")
    assert source.read_bytes() == data  # 21 lines, untouched
    assert len(emulator.request_log) == 0
    assert emulator.store.pages("site-pages") == []


async def test_import_finds_an_unwritable_rejects_folder_before_sending(
    emulator: Emulator, tmp_path: Path
) -> None:
    source = tmp_path / "pages.jsonl"
    _inputs(source)
    with contextlib.ExitStack() as stack:
        if os.geteuid() == 0:
            ro = stack.enter_context(_tmpfs(tmp_path / "ro", "ro,size=64k"))
        else:
            ro = tmp_path / "ro"
            ro.mkdir(mode=0o500)
        result = await hubpages(
            *_import(emulator, source, "--rejects", str(ro / "rejects.jsonl"), "--no-journal")
        )
    _assert_one_clean_line(result, code=2, expected="cannot write")
    assert "--rejects" in result.stderr
    assert len(emulator.request_log) == 0
    assert emulator.store.pages("site-pages") == []


async def test_import_refuses_a_rejects_path_that_is_a_directory(
    emulator: Emulator, tmp_path: Path
) -> None:
    source = tmp_path / "pages.jsonl"
    _inputs(source)
    result = await hubpages(*_import(emulator, source, "--rejects", str(tmp_path), "--no-journal"))
    _assert_one_clean_line(result, code=2, expected="is a directory")
    assert len(emulator.request_log) == 0


async def test_a_clean_import_leaves_a_rejects_device_alone(
    emulator: Emulator, tmp_path: Path
) -> None:
    _need_root()
    source = tmp_path / "pages.jsonl"
    _inputs(source, 3)
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = await hubpages(*_import(emulator, source, "--rejects", str(device), "--no-journal"))
    assert result.code == 0, result.stderr
    assert stat.S_ISCHR(os.lstat(device).st_mode), "a clean run unlinked the device"
