"""Validate a JSONL file of pages before a single request is sent.

The file is read twice, line by line, so a 100,000-line import never sits in memory:
:func:`validate_file` walks it once and collects problems (each naming the line and
the field), and :func:`iter_records` walks it again to feed the bulk job. Each line is
decoded into a *strict* subclass of the wire model, so a typo such as ``templatepath``
fails loudly here instead of being silently dropped by the lenient response model.

The first pass also keeps an 8-byte digest of every record line (:class:`LineDigests`,
12 bytes a line: 12 MB for a million lines). The second pass checks each line against
it *before* the line is handed to the bulk job, so a file edited, truncated or extended
while the import runs stops the import at the first changed line (:class:`InputWatch`)
instead of sending what was never validated or silently skipping what vanished.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

import msgspec

from hubpages_async.models import ContentFolder, Page

__all__ = [
    "MAX_REPORTED_PROBLEMS",
    "InputProblem",
    "InputWatch",
    "Kind",
    "LineDigests",
    "Record",
    "ValidationSummary",
    "iter_records",
    "raw_lines",
    "validate_file",
]

Kind = Literal["site-pages", "landing-pages", "folders"]

#: Enough to show a pattern without flooding the terminal on a wholly wrong file.
MAX_REPORTED_PROBLEMS: Final = 20


class StrictPage(Page, forbid_unknown_fields=True):
    """A ``Page`` that rejects unknown fields (CLI input only; responses stay lenient)."""


class StrictFolder(ContentFolder, forbid_unknown_fields=True):
    """A ``ContentFolder`` that rejects unknown fields."""


Record = Page | ContentFolder

_DECODERS: Final[
    dict[str, msgspec.json.Decoder[StrictPage] | msgspec.json.Decoder[StrictFolder]]
] = {
    "site-pages": msgspec.json.Decoder(StrictPage),
    "landing-pages": msgspec.json.Decoder(StrictPage),
    "folders": msgspec.json.Decoder(StrictFolder),
}

_WIRE_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "site-pages": tuple(f.encode_name for f in msgspec.structs.fields(StrictPage)),
    "landing-pages": tuple(f.encode_name for f in msgspec.structs.fields(StrictPage)),
    "folders": tuple(f.encode_name for f in msgspec.structs.fields(StrictFolder)),
}

# msgspec's messages have a stable shape: "<what> - at `$.path`" or "... `field`".
_AT_PATH = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$")
_UNKNOWN_FIELD = re.compile(r"Object contains unknown field `(?P<field>[^`]*)`")
_BYTE_POS = re.compile(r"\(byte (?P<pos>\d+)\)")


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One bad line: where it is, which field (if any) and what is wrong."""

    line: int
    message: str
    field: str | None = None

    def __str__(self) -> str:
        """``line 3, field 'name': expected str | null, got int``."""
        where = f"line {self.line}" if self.line else "file"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}"


@dataclass(slots=True)
class LineDigests:
    """The line number and an 8-byte digest of every record line, in file order."""

    numbers: array[int] = field(default_factory=lambda: array("L"))
    digests: array[int] = field(default_factory=lambda: array("Q"))

    def add(self, number: int, raw: bytes) -> None:
        """Remember one record line."""
        self.numbers.append(number)
        self.digests.append(_digest(raw))

    def __len__(self) -> int:
        return len(self.numbers)


def _digest(raw: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "little")


@dataclass(slots=True)
class InputWatch:
    """What the second pass found changed since the first, if anything (``problem``)."""

    expected: LineDigests
    problem: str | None = None

    def check(self, ordinal: int, number: int, raw: bytes) -> bool:
        """Whether the ``ordinal``-th record line is still the one validated."""
        exp = self.expected
        if ordinal >= len(exp):
            self.problem = f"line {number} was added after validation"
        elif exp.numbers[ordinal] != number:
            self.problem = f"line {exp.numbers[ordinal]} moved to line {number} after validation"
        elif exp.digests[ordinal] != _digest(raw):
            self.problem = f"line {number} changed after validation"
        return self.problem is None

    def validated(self, number: int, raw: bytes) -> bool:
        """Whether line ``number`` holds what the first pass validated there."""
        exp = self.expected
        pos = bisect.bisect_left(exp.numbers, number)
        return pos < len(exp) and exp.numbers[pos] == number and exp.digests[pos] == _digest(raw)

    def finish(self, seen: int) -> None:
        """The second pass reached the end of the file after ``seen`` record lines."""
        if self.problem is None and seen < len(self.expected):
            line = self.expected.numbers[seen]
            self.problem = f"the file ends before line {line}: it was cut after validation"


@dataclass(frozen=True, slots=True)
class ValidationSummary:
    """The outcome of the first pass: how many records, and the problems found."""

    records: int
    problems: list[InputProblem]
    problem_count: int
    #: Records that carry an ``id`` (``import --update-existing`` updates those).
    with_id: int = 0
    #: Every record line as validated, for the second pass to check against.
    lines: LineDigests = field(default_factory=LineDigests)

    @property
    def ok(self) -> bool:
        """True when the file can be imported as it is."""
        return self.problem_count == 0 and self.records > 0


def _suggest(field: str, kind: Kind) -> str:
    """``templatepath`` -> `` (did you mean 'templatePath'?)``, or nothing."""
    names = _WIRE_NAMES[kind]
    lowered = {n.lower(): n for n in names}
    # Case and underscore slips are the common typo: try those before fuzzy matching.
    folded = field.replace("_", "").replace("-", "").lower()
    if folded in lowered:
        return f" (did you mean {lowered[folded]!r}?)"
    close = difflib.get_close_matches(field, names, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _translate_validation(err: msgspec.ValidationError, line: int, kind: Kind) -> InputProblem:
    """Turn msgspec's terse message into one that names the line and the field."""
    text = str(err)
    unknown = _UNKNOWN_FIELD.search(text)
    if unknown:
        field = unknown.group("field")
        return InputProblem(line, f"unknown field{_suggest(field, kind)}", field)
    match = _AT_PATH.match(text)
    what = match.group("what") if match else text
    path = (match.group("path") or "").lstrip(".") if match else ""
    if not path:
        if what.startswith("Expected `object`"):
            return InputProblem(line, "expected a JSON object, one per line")
        return InputProblem(line, what)
    what = re.sub(r"`([^`]*)`", r"\1", what)
    return InputProblem(line, what[0].lower() + what[1:], path)


def _translate_decode(err: msgspec.DecodeError, line: int) -> InputProblem:
    """A message for JSON that does not parse at all."""
    text = str(err)
    pos = _BYTE_POS.search(text)
    detail = text.removeprefix("JSON is malformed: ")
    if pos:
        detail = _BYTE_POS.sub("", detail).strip() + f" at column {int(pos.group('pos')) + 1}"
    if text == "Input data was truncated":
        detail = "the JSON object ends early"
    return InputProblem(line, f"malformed JSON: {detail}")


def _check_required(record: Record, line: int, kind: Kind) -> InputProblem | None:
    """What HubSpot needs to create a record (the spec's required list is an artifact)."""
    if not isinstance(record.name, str) or not record.name:
        return InputProblem(line, "missing: every record needs a name", "name")
    if isinstance(record, Page):
        template = record.template_path
        if not isinstance(template, str) or not template:
            return InputProblem(line, "missing: a page needs a templatePath", "templatePath")
        if template.startswith("/"):
            # HubSpot's quirk: template paths are relative to the design manager root.
            return InputProblem(
                line,
                f"must not start with '/' (HubSpot answers 400): use {template.lstrip('/')!r}",
                "templatePath",
            )
    return None


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) for every non-blank line; streamed, never loaded whole."""
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # Windows editors prepend a BOM; it is not part of the JSON.
            if raw.strip():
                yield number, raw


def _decode(raw: bytes, number: int, kind: Kind) -> Record | InputProblem:
    """One line -> a record, or the problem that names its line and field."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InputProblem(
            number,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
            "save the file as UTF-8",
        )
    try:
        record = _DECODERS[kind].decode(raw)
    except RecursionError:  # msgspec's answer to JSON nested past Python's stack
        return InputProblem(number, "JSON nested too deeply (no HubSpot record is that deep)")
    except msgspec.ValidationError as exc:
        return _translate_validation(exc, number, kind)
    except msgspec.DecodeError as exc:
        return _translate_decode(exc, number)
    return _check_required(record, number, kind) or record


def validate_file(
    path: Path, kind: Kind, *, limit: int = MAX_REPORTED_PROBLEMS
) -> ValidationSummary:
    """First pass: count records and collect up to ``limit`` problems (the rest are counted).

    An empty file (or one of blank lines only) is itself a problem: importing nothing
    is almost always a wrong path or a failed export upstream.
    """
    problems: list[InputProblem] = []
    count = 0
    records = 0
    with_id = 0
    lines = LineDigests()
    for number, raw in _lines(path):
        result = _decode(raw, number, kind)
        if isinstance(result, InputProblem):
            count += 1
            if len(problems) < limit:
                problems.append(result)
        else:
            records += 1
            with_id += isinstance(result.id, str) and bool(result.id)
            lines.add(number, raw)
    if records == 0 and count == 0:
        problems.append(InputProblem(0, "the file is empty: no records to import"))
        count = 1
    return ValidationSummary(records, problems, count, with_id, lines)


def raw_lines(
    path: Path, numbers: set[int], watch: InputWatch | None = None
) -> Iterator[tuple[int, bytes | None]]:
    """The raw bytes of the given lines (for the rejects file), streamed; None for a
    line that is no longer the one validated (``watch``)."""
    for number, raw in _lines(path):
        if number in numbers:
            same = watch is None or watch.validated(number, raw)
            yield number, raw.rstrip(b"\r\n") if same else None


def iter_records(
    path: Path, kind: Kind, watch: InputWatch | None = None
) -> Iterator[tuple[int, Record]]:
    """Second pass: (line number, record) in file order. Call after :func:`validate_file`.

    With ``watch``, every line is first checked against the first pass; at the first
    difference the iteration ends and ``watch.problem`` says what changed, so nothing
    that was not validated is ever yielded.

    The strict classes subclass ``Page``/``ContentFolder`` and encode identically, so the
    client treats them exactly like records built in Python.
    """
    ordinal = 0
    for number, raw in _lines(path):
        result = _decode(raw, number, kind)
        if isinstance(result, InputProblem):
            if watch is None:
                raise ValueError(f"{path}: {result} (the file changed after validation)")
            watch.problem = f"line {number} changed after validation"
            return
        if watch is not None and not watch.check(ordinal, number, raw):
            return
        ordinal += 1
        yield number, result
    if watch is not None:
        watch.finish(ordinal)
