"""The JSONL validator: every bad-input case names its line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubpages_async.cli._input import iter_records, raw_lines, validate_file
from hubpages_async.models import Page

GOOD = b'{"name": "Home", "templatePath": "@hubspot/growth/templates/home.html"}\n'


def _file(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "pages.jsonl"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"{bad json", "line 2: malformed JSON"),
        (
            b'{"name": "x", "templatepath": "t.html"}',
            "line 2, field 'templatepath': unknown field (did you mean 'templatePath'?)",
        ),
        (b'{"name": "x", "template_path": "t.html"}', "did you mean 'templatePath'?"),
        (b'{"templatePath": "t.html"}', "line 2, field 'name': missing"),
        (b'{"name": "x"}', "line 2, field 'templatePath': missing"),
        (
            b'{"name": "x", "templatePath": "/t.html"}',
            "line 2, field 'templatePath': must not start with '/'",
        ),
        (
            b'{"name": 7, "templatePath": "t.html"}',
            "line 2, field 'name': expected str | null, got int",
        ),
        (
            b'{"name": "x", "templatePath": "t", "publishDate": "soon"}',
            "line 2, field 'publishDate': invalid RFC3339",
        ),
        (b"[1, 2]", "line 2: expected a JSON object"),
        (b'{"name": "caf\xe9", "templatePath": "t"}', "line 2: not valid UTF-8 (byte 0xe9"),
        (
            b'{"name": "x", "templatePath": "t"',
            "line 2: malformed JSON: the JSON object ends early",
        ),
    ],
)
def test_each_bad_line_is_named(tmp_path: Path, line: bytes, expected: str) -> None:
    summary = validate_file(_file(tmp_path, GOOD + line + b"\n" + GOOD), "site-pages")
    assert not summary.ok
    assert summary.records == 2
    assert expected in str(summary.problems[0])


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
def test_empty_file_is_a_problem(tmp_path: Path, content: bytes) -> None:
    summary = validate_file(_file(tmp_path, content), "site-pages")
    assert not summary.ok
    assert "empty" in str(summary.problems[0])


def test_problems_are_capped_but_counted(tmp_path: Path) -> None:
    summary = validate_file(_file(tmp_path, b"{bad\n" * 50), "site-pages", limit=5)
    assert len(summary.problems) == 5
    assert summary.problem_count == 50


def test_folders_need_only_a_name(tmp_path: Path) -> None:
    path = _file(tmp_path, b'{"name": "Campaigns", "parentFolderId": 0}\n{"nme": "x"}\n')
    summary = validate_file(path, "folders")
    assert [str(p) for p in summary.problems] == [
        "line 2, field 'nme': unknown field (did you mean 'name'?)"
    ]


def test_good_file_streams_records_with_line_numbers(tmp_path: Path) -> None:
    content = b"\xef\xbb\xbf" + GOOD + b"\n" + GOOD.replace(b"Home", b"About") + b"\r\n"
    path = _file(tmp_path, content)
    summary = validate_file(path, "site-pages")
    assert summary.ok
    assert summary.records == 2
    records = list(iter_records(path, "site-pages"))
    assert [(n, r.name) for n, r in records] == [(1, "Home"), (3, "About")]
    assert all(isinstance(r, Page) for _, r in records)
    assert [n for n, _ in raw_lines(path, {3})] == [3]


def test_exported_pages_are_valid_input(tmp_path: Path) -> None:
    # What `hubpages export` writes (server fields included) must import unchanged.
    line = (
        b'{"id": "1", "name": "x", "templatePath": "t", "created": "2024-02-06T19:02:33.991Z",'
        b' "createdAt": "2024-02-06T19:02:33Z", "archivedAt": "1970-01-01T00:00:00Z",'
        b' "contentTypeCategory": 4, "translations": {"fr": {"id": 5}}}\n'
    )
    summary = validate_file(_file(tmp_path, line), "site-pages")
    assert summary.ok
    assert summary.with_id == 1
