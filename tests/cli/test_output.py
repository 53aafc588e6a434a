"""Atomic output files and the rejects file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubpages_async.cli._output import Reject, atomic_writer, write_rejects


def _write_then_raise(target: Path, exc: BaseException) -> None:
    with atomic_writer(target) as out:
        out.write(b"partial")
        raise exc


def test_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("good\n")
    with pytest.raises(RuntimeError):
        _write_then_raise(target, RuntimeError("boom"))
    assert target.read_text() == "good\n"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind

    with atomic_writer(target) as out:
        out.write(b"new\n")
    assert target.read_text() == "new\n"
    assert list(tmp_path.iterdir()) == [target]


def test_interrupt_leaves_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("good\n")
    with pytest.raises(KeyboardInterrupt):
        _write_then_raise(target, KeyboardInterrupt())
    assert target.read_text() == "good\n"


def test_keeps_permissions_of_replaced_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old")
    target.chmod(0o640)
    with atomic_writer(target) as out:
        out.write(b"new")
    assert target.stat().st_mode & 0o777 == 0o640


def test_rejects_file_is_jsonl_in_line_order(tmp_path: Path) -> None:
    path = tmp_path / "rejects.jsonl"
    write_rejects(
        path,
        [
            Reject(9, "CONFLICT", "slug taken", {"name": "b"}, 409),
            Reject(2, "VALIDATION_ERROR", "bad", {"name": "a"}, 400, "abc-123"),
        ],
    )
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert rows == [
        {
            "line": 2,
            "category": "VALIDATION_ERROR",
            "message": "bad",
            "status": 400,
            "correlationId": "abc-123",
            "input": {"name": "a"},
        },
        {
            "line": 9,
            "category": "CONFLICT",
            "message": "slug taken",
            "status": 409,
            "input": {"name": "b"},
        },
    ]
