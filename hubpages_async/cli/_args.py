"""The ``hubpages`` argument parser: one subcommand per job, shared connection options.

argparse exits with status 2 on a usage error, which is exactly the CLI's contract
for "usage or input error", so the parser is used as it is.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from hubpages_async._rate_spec import RATE_METAVAR, parse_rate_spec

__all__ = [
    "DEFAULT_TOKEN_ENV",
    "KINDS",
    "MAX_CHUNK",
    "TIERS",
    "Parser",
    "RateSpec",
    "build_parser",
    "did_you_mean",
    "parse_rate",
]

DEFAULT_TOKEN_ENV: Final = "HUBSPOT_ACCESS_TOKEN"
KINDS: Final = ("site-pages", "landing-pages", "folders")

#: HubSpot's published burst limits per 10 s (facts file, section 3.5).
TIERS: Final[dict[str, int]] = {
    "free": 100,
    "starter": 100,
    "oauth": 110,
    "professional": 190,
    "enterprise": 190,
    "capacity-pack": 250,
}

#: HubSpot's batch endpoints take at most this many inputs per request.
MAX_CHUNK: Final = 100


@dataclass(frozen=True, slots=True)
class RateSpec:
    """Requests per window; ``requests=None`` turns the client-side limiter off."""

    requests: int | None
    per_seconds: float = 10.0

    @property
    def emulator_spec(self) -> str | None:
        """The same limit in the emulator's ``rate_limit`` spelling (``"190/10s"``)."""
        return None if self.requests is None else f"{self.requests}/{self.per_seconds:g}s"


def parse_rate(text: str) -> RateSpec:
    """``"190/10s"`` -> ``RateSpec(190, 10.0)``; ``"none"`` -> no limit.

    The grammar is the emulator's too (:mod:`hubpages_async._rate_spec`); a bare number
    is refused. Raises ``argparse.ArgumentTypeError`` so argparse reports a usage error.
    """
    try:
        parsed = parse_rate_spec(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return RateSpec(None) if parsed is None else RateSpec(*parsed)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'export'?)"`` for the closest choice, or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Parser(argparse.ArgumentParser):
    """argparse, with a suggestion when a subcommand or a choice is misspelt."""

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is not None and isinstance(value, str) and value not in choices:
            names = ", ".join(map(repr, choices))
            raise argparse.ArgumentError(
                action,
                f"invalid choice: {value!r}{did_you_mean(value, choices)} (choose from {names})",
            )
        super()._check_value(action, value)


def _chunk_size(text: str) -> int:
    """argparse type: inputs per batch request, 1 to HubSpot's maximum of 100."""
    value = _positive(text)
    if value > MAX_CHUNK:
        raise argparse.ArgumentTypeError(
            f"{value} is more than HubSpot accepts in one batch request ({MAX_CHUNK})"
        )
    return value


def _positive(text: str) -> int:
    """argparse type: an integer greater than zero."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _base_url(text: str) -> str:
    """A ``--base-url`` that parses (``http://[::1`` is a usage error, not a traceback)."""
    from hubpages_async import errors
    from hubpages_async._config import normalize_base_url

    try:
        normalize_base_url(text)
    except errors.ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.problem) from None
    return text


def _connection_options() -> Parser:
    """Options every command that talks to a portal shares."""
    common = Parser(add_help=False)
    group = common.add_argument_group("connection")
    group.add_argument(
        "--token-env",
        metavar="NAME",
        default=DEFAULT_TOKEN_ENV,
        help="environment variable holding the private-app or OAuth token "
        f"(default {DEFAULT_TOKEN_ENV}). With no token and no --base-url the command "
        "runs against the embedded emulator.",
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        type=_base_url,
        help="API root (default $HUBSPOT_BASE_URL, else https://api.hubapi.com, or the "
        "embedded emulator when there is no token); e.g. http://127.0.0.1:8765 for a "
        "running `hubpages emulator`",
    )
    group.add_argument(
        "--api",
        choices=("v3", "2026-03"),
        default="v3",
        help="path prefix: cms/v3/pages (default) or the dated cms/pages/2026-03",
    )
    limits = group.add_mutually_exclusive_group()
    limits.add_argument(
        "--tier",
        choices=tuple(TIERS),
        help="set the client rate limit to your HubSpot tier's burst limit "
        + ", ".join(f"{k}={v}/10s" for k, v in TIERS.items()),
    )
    limits.add_argument(
        "--rate-limit",
        metavar=RATE_METAVAR,
        type=parse_rate,
        help="client rate limit as requests per window, e.g. 190/10s, or none "
        "(default 100/10s, HubSpot's free/starter limit; a bare number is refused)",
    )
    group.add_argument(
        "--emulator-state",
        metavar="FILE",
        help="with the embedded emulator: keep its pages in this sqlite file between runs",
    )
    # One rate budget across processes and hosts (issue 14): its own module, its own block.
    from ._limiter import add_limiter_option

    add_limiter_option(group)
    _add_output_options(common)
    return common


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    """The mutually exclusive ``--quiet``/``--verbose`` pair."""
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress and no notes on stderr (errors still show)",
    )
    noise.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log every retry and rate-limit wait (above the progress bar on a terminal)",
    )


def _add_bulk_options(parser: argparse.ArgumentParser, *, default_concurrency: int) -> None:
    """``--chunk-size`` and ``--concurrency`` of the batch jobs."""
    parser.add_argument(
        "--chunk-size",
        type=_chunk_size,
        default=MAX_CHUNK,
        metavar="N",
        help=f"inputs per batch request, 1 to {MAX_CHUNK} (default {MAX_CHUNK}, HubSpot's most)",
    )
    parser.add_argument(
        "--concurrency",
        type=_positive,
        default=default_concurrency,
        metavar="N",
        help=f"batch requests in flight at once (default {default_concurrency})",
    )


def _add_migrate12_options(parser: argparse.ArgumentParser) -> None:
    """migrate's options for what it carries, plans, proves and syncs (issue 12)."""
    parser.add_argument(
        "--include-archived",
        action="store_true",
        help="also copy archived (deleted) pages; their copies are archived too",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="at the end, compare both portals as `hubpages verify` does (exit 1 on a difference)",
    )
    parser.add_argument(
        "--delete",
        action="store_true",
        help="on a rerun, archive the copies of pages archived at the source since "
        "(default: report them only)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="read both portals and print what the run would do (writes nothing to either)",
    )
    parser.add_argument(
        "--plan",
        metavar="PATH",
        help="where --dry-run writes its plan as JSON (default JOURNAL.plan.json)",
    )
    parser.add_argument(
        "--differences",
        metavar="PATH",
        help="where verify writes differences as JSON lines (default JOURNAL.differences.jsonl)",
    )


def _add_verify_command(sub: Any, migrate: argparse.ArgumentParser, common: Any) -> None:
    """``hubpages verify``: every option of migrate (same portals, types, journal)."""
    verify = sub.add_parser(
        "verify",
        parents=[common],
        help="compare a migration's source and destination, field by field",
        description="Compare each source folder and page with its copy (found through "
        "migrate's --journal): content field by field, draft and live, folders, language "
        "groups, A/B pairs and expiry redirects through the id map. Differences go to a "
        "JSON-lines file; exit status 1 on any difference.",
    )
    # Options that only make sense for a run that writes are not verify's.
    have = {"--verify", "--dry-run", "--plan", "--delete"}
    have.update(s for action in verify._actions for s in action.option_strings)
    for action in migrate._actions:
        if action.option_strings and not have & set(action.option_strings):
            verify._add_action(action)


def build_parser() -> argparse.ArgumentParser:
    """The full ``hubpages`` parser."""
    from hubpages_async import __version__

    common = _connection_options()
    parser = Parser(
        prog="hubpages",
        description="Export, import and migrate HubSpot CMS pages, fast and resumably. "
        "Results go to stdout or files; progress and notes go to stderr.",
        epilog="Exit status: 0 all done, 1 some inputs failed (see the summary), "
        "2 usage or input error, 3 the server could not be reached (rerun once it answers), "
        "130/143 interrupted by Ctrl-C/SIGTERM (rerun the same "
        "command to resume), 141 stdout closed by its reader.",
    )
    parser.add_argument("--version", action="version", version=f"hubpages {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    export = sub.add_parser(
        "export",
        parents=[common],
        help="write pages or folders as JSON lines",
        description="Write every page (or folder) matching the filters, one JSON object "
        "per line. The output file is replaced atomically when the export completes.",
    )
    export.add_argument("--type", choices=KINDS, required=True, dest="kind", help="what to export")
    export.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="PROP__OP=VALUE",
        help="HubSpot filter, repeatable: name__icontains=pricing, state=PUBLISHED_OR_SCHEDULED, "
        "language__in=en,fr (values of __in/__nin are comma-separated)",
    )
    export.add_argument(
        "--property",
        action="append",
        default=[],
        metavar="NAME",
        help="only these fields, by their JSON names (repeatable; HubSpot's `property` "
        "parameter); a name the model does not have is refused",
    )
    export.add_argument("--archived", action="store_true", help="export deleted pages instead")
    export.add_argument(
        "--shards",
        type=_positive,
        default=1,
        metavar="N",
        help="walk N createdAt ranges concurrently (default 1); pages only",
    )
    export.add_argument(
        "-o", "--output", default="-", metavar="FILE", help="output file (default stdout)"
    )

    imp = sub.add_parser(
        "import",
        parents=[common],
        help="create (or update) pages from JSON lines",
        description="Validate the whole file first (nothing is sent if any line is bad), "
        "then create pages through batch requests. A journal next to the input records "
        "what is done, so rerunning the same command after an interruption resumes.",
    )
    imp.add_argument(
        "file", metavar="FILE.jsonl", help="one page (or folder) per line, as export writes"
    )
    imp.add_argument("--type", choices=KINDS, required=True, dest="kind", help="what the lines are")
    _add_bulk_options(imp, default_concurrency=4)
    journal = imp.add_mutually_exclusive_group()
    journal.add_argument(
        "--journal",
        metavar="PATH",
        help="sqlite journal (default FILE.jsonl.journal next to the input)",
    )
    journal.add_argument("--no-journal", action="store_true", help="do not record progress")
    imp.add_argument(
        "--rejects",
        metavar="PATH",
        help="where failed inputs go (default FILE.jsonl.rejects.jsonl)",
    )
    imp.add_argument(
        "--update-existing",
        action="store_true",
        help="lines that carry an id update the page with that id in this portal instead "
        "of creating a copy; ids are matched as they are (a file from another portal "
        "needs `hubpages migrate`, which remaps them), and the import is refused "
        "(exit 2, nothing written) when none of them exists here",
    )

    migrate = sub.add_parser(
        "migrate",
        parents=[common],
        help="copy folders and pages to another portal, remapping ids",
        description="Copy landing-page folders, then landing pages and site pages, from one "
        "portal to another, remapping folder ids, language groups (translatedFromId) and "
        "A/B pairs to the new ids. Resumable: rerun with the same --journal.",
    )
    source = migrate.add_mutually_exclusive_group()
    source.add_argument(
        "--from-token-env",
        metavar="NAME",
        help="variable holding the source portal's token (default: --token-env)",
    )
    source.add_argument(
        "--from-token",
        metavar="TOKEN",
        help="source token itself (visible to other users in process lists: "
        "prefer --from-token-env)",
    )
    dest = migrate.add_mutually_exclusive_group()
    dest.add_argument(
        "--to-token-env", metavar="NAME", help="variable holding the destination portal's token"
    )
    dest.add_argument(
        "--to-token",
        metavar="TOKEN",
        help="destination token itself (visible to other users in process lists: "
        "prefer --to-token-env)",
    )
    migrate.add_argument(
        "--to-base-url",
        metavar="URL",
        type=_base_url,
        help="destination API root (default: --base-url)",
    )
    migrate.add_argument(
        "--type",
        action="append",
        choices=("site-pages", "landing-pages"),
        dest="kinds",
        help="page types to copy (repeatable; default both). With landing pages, "
        "their folders are copied first.",
    )
    migrate.add_argument(
        "--journal",
        metavar="PATH",
        default="hubpages-migrate.journal",
        help="sqlite journal of old id -> new id (default ./hubpages-migrate.journal)",
    )
    _add_bulk_options(migrate, default_concurrency=4)
    migrate.add_argument(
        "--keep-domains",
        action="store_true",
        help="keep each page's domain (default: the destination's default domain)",
    )
    _add_migrate12_options(migrate)
    _add_verify_command(sub, migrate, common)
    migrate.add_argument(
        "--emulator-pages",
        type=_positive,
        default=100,
        metavar="N",
        help="with no tokens (embedded emulator): realistic pages per type seeded into "
        "the source portal (default 100)",
    )

    sub.add_parser(
        "emulator",
        add_help=False,
        help="run the local HubSpot emulator (same options as python -m hubpages_async.emulator)",
        description="Run the emulator; every option is passed through.",
    )

    demo = sub.add_parser(
        "demo",
        help="migrate realistic pages between two portals of the embedded emulator",
        description="Start the embedded emulator with two portals, seed the first with "
        "realistic folders, pages, language groups and A/B pairs, and migrate it to the "
        "second at a real rate limit while the emulator injects faults; then report the "
        "retries, the inputs reconciled instead of created twice, the 429s avoided and "
        "the time taken against the least the rate limit allows. --round-trip instead "
        "imports pages, exports them back and checks every field.",
    )
    demo.add_argument(
        "--pages",
        type=_positive,
        default=None,
        metavar="N",
        help="pages per type to migrate (default 600), or with --round-trip pages to "
        "import (default 3000)",
    )
    demo.add_argument(
        "--round-trip",
        action="store_true",
        help="import, export and compare instead of migrating",
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=None,
        help="random seed for pages and faults (default 1 for the migration, whose fault "
        "draws drop a batch answer as well as failing requests; 0 for --round-trip)",
    )
    demo.add_argument(
        "--faults",
        default=None,
        metavar="SPEC",
        help="emulator fault plan (default for the migration: 503=0.1,drop=0.1,"
        "paths=(/batch/|-pages$), on listings and batch requests; for --round-trip none); "
        "'' for none",
    )
    demo.add_argument(
        "--rate-limit",
        type=parse_rate,
        default=RateSpec(100),
        metavar=RATE_METAVAR,
        help="the emulator's and the client's rate limit (default 100/10s, HubSpot's free tier)",
    )
    _add_output_options(demo)
    return parser
