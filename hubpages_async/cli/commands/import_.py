"""``hubpages import``: validate a JSONL file, then create (or update) its records in batches.

Two passes over the file: the first validates every line and sends nothing if any is
bad (exit 2); the second streams records into the bulk job, checking each line against
the first pass, so a file changed meanwhile stops the import at the first changed line
(exit 2) before that line is sent. The bulk layer's journal, by default next to the
input, records each input by its content as it completes, so rerunning the same command
after a crash or Ctrl-C, even over a file with lines added, removed or reordered, skips
what is done and creates nothing twice.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from hubpages_async import errors

from .._connect import Portal, open_portal, preflight, progress_for, stats_of
from .._console import EXIT_FAILED, EXIT_UNREACHABLE, UsageError, error, note, resume_command
from .._input import (
    InputWatch,
    Kind,
    Record,
    ValidationSummary,
    iter_records,
    raw_lines,
    validate_file,
)
from .._output import Reject, write_rejects
from .._paths import check_distinct, check_output
from .._progress import BulkCounter, Progress
from .._unreachable import connection_error, server_of

__all__ = ["run"]


@dataclass(slots=True)
class _Tally:
    """What one or two bulk jobs did, merged for the summary."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejects: list[Reject] = field(default_factory=list)
    #: Inputs left unsent or unconfirmed because the server could not be reached, and
    #: the first such connection failure.
    unreachable: int = 0
    cause: errors.APIConnectionError | None = None


def _select(
    path: Path, kind: Kind, watch: InputWatch, *, with_id: bool | None, lines: array[int]
) -> Iterator[Record]:
    """Records of the file (all, or only those with/without an id), noting their lines.

    ``lines[i]`` becomes the line number of the ``i``-th record yielded: the bulk
    report names inputs by index, the rejects file by line. Ends early, with
    ``watch.problem`` set, at the first line that differs from the validated one.
    """
    for number, record in iter_records(path, kind, watch):
        has_id = isinstance(record.id, str) and bool(record.id)
        if with_id is None or has_id == with_id:
            lines.append(number)
            yield record


async def _job(
    portal: Portal,
    args: argparse.Namespace,
    path: Path,
    operation: str,
    with_id: bool | None,
    progress: Progress,
    tally: _Tally,
    watch: InputWatch,
) -> None:
    """Run one bulk job (create or update) over the selected records."""
    from hubpages_async.journal import Journal

    resource = portal.resource(args.kind)
    lines: array[int] = array("L")
    journal = None
    if args.journal_path is not None:
        # The bulk layer names each input by its content (and its occurrence among
        # identical lines), so a rerun over an edited file still matches what is done;
        # the job name carries the portal, so importing into another portal starts afresh.
        job = f"import-{args.kind}-{operation}@{portal.identity}"
        journal = Journal(args.journal_path, job=job)
    # ``kind`` picks both the resource and the record type, which mypy cannot pair up.
    method: Any = resource.create_many if operation == "create" else resource.update_many
    report = await method(
        _select(path, args.kind, watch, with_id=with_id, lines=lines),
        chunk_size=args.chunk_size,
        concurrency=args.concurrency,
        on_progress=BulkCounter(progress),
        journal=journal,
        collect=False,
    )
    done = report.succeeded - report.skipped
    if operation == "create":
        tally.created += done
    else:
        tally.updated += done
    tally.skipped += report.skipped
    for failure in report.failures:
        cause = connection_error(failure.error)
        if cause is not None:
            tally.unreachable += 1
            tally.cause = tally.cause or cause
        tally.rejects.append(
            Reject(
                line=lines[failure.index],
                category=failure.category,
                message=failure.message,
                status=failure.status,
                correlation_id=failure.correlation_id,
            )
        )


def _attach_inputs(path: Path, rejects: list[Reject], watch: InputWatch) -> list[Reject]:
    """Put each rejected line's original JSON in its reject (a third, filtered pass); a
    line changed since validation keeps ``input: null`` rather than another record."""
    by_line = {r.line: r for r in rejects}
    for number, raw in raw_lines(path, set(by_line), watch):
        if raw is not None:
            r = by_line[number]
            by_line[number] = Reject(
                r.line, r.category, r.message, msgspec.json.decode(raw), r.status, r.correlation_id
            )
    return [by_line[r.line] for r in rejects]


#: Ids per existence check: one list request each (``id__in``), a page of at most 100.
_ID_CHECK_BATCH = 100


async def _check_ids_exist(
    portal: Portal, kind: Kind, path: Path, summary: ValidationSummary
) -> None:
    """Refuse ``--update-existing`` (exit 2, nothing written) when none of the file's ids
    exists at the destination: ids are per portal, so such a file was exported from
    another one, and updating by id would overwrite unrelated pages that happen to share
    an id (or fail every line). Reads only, and stops at the first id found: one list
    request when the ids are this portal's, one per 100 ids when none is."""
    resource = portal.resource(kind)
    ids: list[str] = []
    checked = 0

    async def any_exists() -> bool:
        nonlocal checked
        checked += len(ids)
        # HubSpot ids are numeric: any other cannot exist there, so is not asked about.
        numeric = [i for i in ids if i.isdigit()]
        ids.clear()
        if not numeric:
            return False
        found = await resource.list(id__in=numeric, limit=_ID_CHECK_BATCH, properties=["id"])
        return bool(found.results)

    for _number, record in iter_records(path, kind, InputWatch(summary.lines)):
        if isinstance(record.id, str) and record.id:
            ids.append(record.id)
            if len(ids) == _ID_CHECK_BATCH and await any_exists():
                return
    if ids and await any_exists():
        return
    if checked == 0:
        return  # the file changed meanwhile: the import's own pass reports that
    raise UsageError(
        f"--update-existing: none of the {checked} ids in {path} exists in {portal.label}; "
        "nothing was changed. Ids are matched as they are, and ids are per portal: to copy "
        "pages exported from another portal, use `hubpages migrate`, which creates them and "
        "remaps their ids (or import without --update-existing to create every line anew)."
    )


def _default_beside(path: Path, suffix: str) -> Path:
    """``pages.jsonl`` + suffix, in the input's directory."""
    return path.with_name(path.name + suffix)


async def run(args: argparse.Namespace) -> int:
    """Validate, import, write the rejects file, print the summary; return the exit status."""
    path = Path(args.file)
    if not path.is_file():  # noqa: ASYNC240 - nothing else runs yet
        raise UsageError(f"{path}: no such file")
    summary = validate_file(path, args.kind)
    if not summary.ok:
        for problem in summary.problems:
            print(f"{path}: {problem}", file=sys.stderr)
        hidden = summary.problem_count - len(summary.problems)
        if hidden:
            print(f"{path}: ... and {hidden} more", file=sys.stderr)
        raise UsageError(
            f"{summary.problem_count} problem(s) in {path}; nothing was sent. "
            "Fix the lines above and run the command again."
        )
    args.journal_path = (
        None if args.no_journal else (args.journal or _default_beside(path, ".journal"))
    )
    rejects_path = Path(args.rejects) if args.rejects else _default_beside(path, ".rejects.jsonl")
    # Before anything is sent: a rejects file over the input would destroy it, and an
    # unwritable one would only be found out after the pages were created.
    check_distinct(
        {"the input file": path, "--rejects": rejects_path, "--journal": args.journal_path}
    )
    check_output(rejects_path, option="--rejects")
    args.resume_hint = resume_command() if args.journal_path else None
    args.interrupt_note = "finished chunks are recorded in the journal"

    started = time.monotonic()
    tally = _Tally()
    watch = InputWatch(summary.lines)
    async with open_portal(args, concurrency=args.concurrency) as portal:
        if portal.identity is None and args.journal_path is not None:
            note(args, "no journal: the embedded emulator's pages end with this command")
            args.journal_path = args.resume_hint = None
            args.interrupt_note = "the embedded emulator's pages are gone"
        await preflight(portal.resource(args.kind))
        if args.update_existing and summary.with_id:
            await _check_ids_exist(portal, args.kind, path, summary)
        progress = progress_for(args, portal.hs)
        # With --update-existing, lines carrying an id update; the rest are created.
        plan: list[tuple[str, bool | None, int]]
        if args.update_existing and summary.with_id:
            plan = [("update", True, summary.with_id)]
            if summary.records > summary.with_id:
                plan.append(("create", False, summary.records - summary.with_id))
        else:
            plan = [("create", None, summary.records)]
        with progress:
            for operation, with_id, total in plan:
                progress.start(operation, total)
                try:
                    await _job(portal, args, path, operation, with_id, progress, tally, watch)
                except sqlite3.Error as exc:  # e.g. the input's directory is read-only
                    raise UsageError(
                        f"journal {args.journal_path}: {exc}; pass --journal PATH somewhere "
                        "writable, or --no-journal"
                    ) from exc
                if watch.problem is not None:
                    # The file changed: the phase stopped where it was, and the next
                    # job would read the file again.
                    progress.close(interrupted=True)
                    break
        stats = stats_of(portal.hs)

    seconds = time.monotonic() - started
    failed = len(tally.rejects)
    if failed:
        write_rejects(rejects_path, _attach_inputs(path, tally.rejects, watch))
    elif rejects_path.is_file() and not rejects_path.is_symlink():
        # A clean rerun: the old rejects no longer describe this file's state. (Only a
        # plain file: never a symlink's target, a device or a FIFO named by --rejects.)
        rejects_path.unlink()
    result = {
        "command": "import",
        "type": args.kind,
        "records": summary.records,
        "created": tally.created,
        "updated": tally.updated,
        "skipped": tally.skipped,
        "failed": failed,
        "rejects": str(rejects_path) if failed else None,
        "journal": str(args.journal_path) if args.journal_path else None,
        "seconds": round(seconds, 3),
        "requests": int(stats["requests"]),
        "retries": int(stats["retries"]),
        "rateLimited": int(stats["rate_limited"]),
        "stopped": watch.problem,
    }
    print(json.dumps(result))
    note(
        args,
        f"{tally.created} created, {tally.updated} updated, {tally.skipped} already done "
        f"(journal), {failed} failed, in {seconds:.1f}s",
    )
    if watch.problem is not None:
        raise UsageError(
            f"{path}: {watch.problem}; the import stopped there, before sending that line. "
            f"{tally.created + tally.updated} records before it were sent (see the summary). "
            "Check the file and run the same command again: the journal skips what is done."
            if args.journal_path
            else f"{path}: {watch.problem}; the import stopped there, before sending that "
            "line. Check the file and run the command again."
        )
    if tally.cause is not None:
        return _unreachable(args, tally, summary.records, rejects_path)
    if failed:
        error(
            f"{failed} of {summary.records} inputs failed; their line numbers and HubSpot's "
            f"reasons are in {rejects_path}"
        )
        return EXIT_FAILED
    return 0


def _unreachable(args: argparse.Namespace, tally: _Tally, records: int, rejects: Path) -> int:
    """The server stopped answering during the job: not a verdict on the inputs, so exit
    3 and say how to resume rather than "some inputs failed"."""
    assert tally.cause is not None
    message = (
        f"could not reach {server_of(tally.cause)}: {tally.unreachable} of {records} "
        "inputs were not sent or not confirmed"
    )
    refused = len(tally.rejects) - tally.unreachable
    if refused:
        message += f", and {refused} were refused by HubSpot"
    message += f" (lines in {rejects}; last error: {tally.cause})"
    if args.journal_path is None:
        # Without a journal nothing says which unconfirmed creates were applied.
        message += "; with no journal, check the portal before importing them again"
    error(message)
    if args.resume_hint:
        print(
            "hubpages: the journal keeps what is done and what may have been applied; to "
            f"resume once the server answers, run: {args.resume_hint}",
            file=sys.stderr,
        )
    return EXIT_UNREACHABLE
