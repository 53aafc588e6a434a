"""``hubpages export``: every page (or folder) matching the filters, one JSON per line."""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from typing import Any, Final

import msgspec

from hubpages_async import errors
from hubpages_async._filter_values import validate_filters
from hubpages_async._filters import FOLDER_FILTERABLE, camel

from .._args import did_you_mean
from .._connect import Portal, open_portal, progress_for
from .._console import UsageError, note, plural
from .._output import atomic_writer
from .._paths import check_output

__all__ = ["check_properties", "parse_filters", "run"]

_ENCODER: Final = msgspec.json.Encoder()


def parse_filters(specs: list[str], *, kind: str = "site-pages") -> dict[str, Any]:
    """``["name__icontains=x", "state=DRAFT"]`` -> keyword filters for ``list``/``export``.

    Checked here, by the validator ``list`` itself uses, so a typo is a usage error
    (with a did-you-mean) before any request. A bare ``prop=value`` means equality, as
    in HubSpot's query string; values of ``__in``/``__nin`` are comma-separated; dates
    are ISO 8601 (UTC unless an offset is given).
    """
    raw: dict[str, str] = {}
    for spec in specs:
        key, sep, value = spec.partition("=")
        if not sep or not key:
            raise UsageError(f"--filter {spec!r}: expected PROPERTY__OPERATOR=VALUE")
        raw[key] = value
    properties = FOLDER_FILTERABLE if kind == "folders" else None
    filters: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            filters.update(validate_filters({key: value}, properties=properties))
        except errors.ValidationError as exc:
            raise UsageError(f"--filter {key}={value}: {exc.problem}") from None
    return filters


def check_properties(kind: str, names: list[str]) -> list[str]:
    """``--property`` names as HubSpot spells them, each checked against the model.

    A name the model does not have would make HubSpot silently return ids only, so it
    is a usage error, with the closest field suggested. snake_case is accepted too.
    """
    from hubpages_async.models import ContentFolder, Page

    model = ContentFolder if kind == "folders" else Page
    fields = [f.encode_name for f in msgspec.structs.fields(model)]
    checked = []
    for name in names:
        wire = camel(name.strip())
        if wire not in fields:
            hint = did_you_mean(wire, fields) or did_you_mean(name, fields)
            raise UsageError(f"--property {name!r}: {kind} have no such field{hint}")
        checked.append(wire)
    return checked


def _options(args: argparse.Namespace, filters: dict[str, Any]) -> dict[str, Any]:
    """List keyword arguments: the filters plus ``--property`` and ``--archived``."""
    options: dict[str, Any] = dict(filters)
    if args.property:
        options["properties"] = list(args.property)
    if args.archived:
        options["archived"] = True
    return options


async def _total(portal: Portal, args: argparse.Namespace, filters: dict[str, Any]) -> int | None:
    """How many records match, from a one-item list (for the bar's ETA), if HubSpot says."""
    first = await portal.resource(args.kind).list(limit=1, **_options(args, filters))
    return first.total if isinstance(first.total, int) else None


def _source(
    portal: Portal, args: argparse.Namespace, filters: dict[str, Any]
) -> AsyncIterator[Any]:
    """The async iterator of records to write, sharded for pages."""
    options = _options(args, filters)
    if args.kind == "folders":  # folders are few: one cursor chain, no shards
        return portal.resource("folders").export(**options)
    return portal.resource(args.kind).export(shards=args.shards, **options)


async def run(args: argparse.Namespace) -> int:
    """Write the export; the output file appears only once it is complete."""
    filters = parse_filters(args.filter, kind=args.kind)
    args.property = check_properties(args.kind, args.property)
    if args.output != "-":
        check_output(args.output, option="-o")  # before anything is sent
        args.interrupt_note = f"{args.output} was left as it was (nothing partial written)"
    count = 0
    async with open_portal(args) as portal:
        progress = progress_for(args, portal.hs)
        # The count costs one request: only worth it when a display will show the ETA.
        total = await _total(portal, args, filters) if progress.shows else None
        with progress:
            phase = progress.start("export", total)
            with atomic_writer(args.output) as out:
                async for record in _source(portal, args, filters):
                    out.write(_ENCODER.encode(record) + b"\n")
                    count += 1
                    progress.advance(1)
    own = progress.counters(phase)
    note(
        args,
        f"exported {plural(count, args.kind.rstrip('s'), args.kind)} in {phase.seconds():.1f}s "
        f"({phase.rate():,.0f}/s; {plural(int(own['requests']), 'request')}, "
        f"{plural(int(own['retries']), 'retry', 'retries')})",
    )
    if args.output != "-":
        summary = {"command": "export", "type": args.kind, "exported": count, "output": args.output}
        print(json.dumps(summary))
    return 0
