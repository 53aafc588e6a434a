"""Argument parsing, rate specs, filters and progress selection (no network)."""

from __future__ import annotations

import argparse
import io
import sys

import pytest

from hubpages_async.cli._args import RateSpec, build_parser, parse_rate
from hubpages_async.cli._console import UsageError
from hubpages_async.cli._progress import NullProgress, make_progress, rich_available
from hubpages_async.cli.commands.export import parse_filters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("190/10s", RateSpec(190, 10.0)),
        ("100/10", RateSpec(100, 10.0)),
        ("5/1s", RateSpec(5, 1.0)),
        ("none", RateSpec(None)),
        ("5/500ms", RateSpec(5, 0.5)),
    ],
)
def test_parse_rate(text: str, expected: RateSpec) -> None:
    assert parse_rate(text) == expected


@pytest.mark.parametrize("text", ["fast", "-1/10s", "10/0s", "0/10s/", "250", "0", "0/10s"])
def test_parse_rate_rejects(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_rate(text)


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    for argv in (
        ["export"],
        ["import", "x.jsonl"],
        ["export", "--type", "blog"],
        ["import", "x", "--type", "site-pages", "--tier", "gold"],
        ["export", "--type", "folders", "--tier", "free", "--rate-limit", "1/1s"],
    ):
        with pytest.raises(SystemExit) as exc:
            parser.parse_args(argv)
        assert exc.value.code == 2
    assert "--type" in capsys.readouterr().err


def test_import_defaults() -> None:
    args = build_parser().parse_args(["import", "p.jsonl", "--type", "landing-pages"])
    assert (args.chunk_size, args.concurrency, args.journal, args.update_existing) == (
        100,
        4,
        None,
        False,
    )
    assert args.token_env == "HUBSPOT_ACCESS_TOKEN"


def test_filters_are_checked_before_sending() -> None:
    filters = parse_filters(
        [
            "name__icontains=pricing",
            "state=DRAFT",
            "language__in=en,fr",
            "publish_date__gt=2024-05-01T00:00:00+00:00",
            "translatedFromId__is_null=",
        ]
    )
    assert filters["name__icontains"] == "pricing"
    assert filters["state__eq"] == "DRAFT"
    assert filters["language__in"] == ["en", "fr"]
    assert filters["publishDate__gt"].year == 2024
    assert parse_filters(["updatedAt__lt=2025-02-03"])["updatedAt__lt"].tzinfo is not None
    assert filters["translatedFromId__is_null"] is True
    for bad in ["nmae__eq=x", "name__gte=x", "publishDate__gt=yesterday", "noequals"]:
        with pytest.raises(UsageError):
            parse_filters([bad])


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal() -> None:
    assert not make_progress(quiet=False, stream=io.StringIO()).shows
    assert not make_progress(quiet=True, stream=_Tty()).shows
    if rich_available():
        stream = _Tty()
        counters = {"retries": 1.0, "rate_limited": 0.0, "waited": 0.0}
        progress = make_progress(quiet=False, stream=stream, stats=lambda: counters)
        assert progress.shows
        with progress:
            progress.start("import", 10)
            counters.update(retries=4.0, rate_limited=1.0, waited=2.5)  # during the phase
            progress.advance(4, 1)
        assert "retry 3" in stream.getvalue()  # the phase's own, not the client's 4
        assert "fail 1" in stream.getvalue()


def test_resume_command_never_echoes_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from hubpages_async.cli._console import resume_command

    monkeypatch.setattr(
        "sys.argv", ["x", "migrate", "--to-token", "pat-na1-secret", "--journal", "my job.db"]
    )
    assert resume_command() == "hubpages migrate --to-token TOKEN --journal 'my job.db'"
    monkeypatch.setattr(
        "sys.argv", ["x", "migrate", "--to-token=pat-na1-secret", "--from-token", "sb-secret"]
    )
    assert "secret" not in resume_command()


def test_without_rich_a_terminal_gets_plain_status_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import rich...` raise ImportError.
    monkeypatch.setitem(sys.modules, "rich.progress", None)
    assert not rich_available()
    stream = _Tty()
    progress = make_progress(quiet=False, stream=stream)
    assert type(progress).__name__ == "PlainProgress"
    with progress:
        progress.start("import", 10)
        progress.advance(10)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "hubpages: pip install 'hubpages-async[cli]' for a live progress bar"
    assert lines[1].startswith("hubpages: import 10/10 (100%)")
    assert NullProgress is not None
