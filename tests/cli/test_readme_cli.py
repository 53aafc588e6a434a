"""The README's `hubpages` section names exactly the options the command has."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from hubpages_async.cli._args import build_parser
from hubpages_async.emulator.__main__ import build_arg_parser

README = Path(__file__).parents[2] / "README.md"
_SECTION = README.read_text().split("## The `hubpages` command", 1)[1].split("\n## ", 1)[0]
_SYNOPSIS = re.search(r"```text\n(.*?)```", _SECTION, flags=re.S)
_OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-[qvo])\b")
#: The shared options are in the table under the synopsis, not repeated per command.
_TABLE = set(_OPTION.findall(_SECTION.split("```", 2)[2].split("\n\n**", 1)[0]))


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    commands = dict(sub.choices)
    commands["emulator"] = build_arg_parser(argparse.ArgumentParser(prog="hubpages emulator"))
    return commands


def _synopsis() -> dict[str, set[str]]:
    assert _SYNOPSIS is not None
    options: dict[str, set[str]] = {}
    command = ""
    for line in _SYNOPSIS.group(1).splitlines():
        if line.startswith("hubpages "):
            command = line.split()[1]
        options.setdefault(command, set()).update(_OPTION.findall(line))
    return options


_LONG = {"-q": "--quiet", "-v": "--verbose", "-o": "--output"}


def _long(names: set[str]) -> set[str]:
    """Short flags as their long names (the synopsis writes ``-q | -v``)."""
    return {_LONG.get(name, name) for name in names}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    names = {name for action in parser._actions for name in action.option_strings}
    return _long(names) - {"-h", "--help"}


@pytest.mark.parametrize("command", ["export", "import", "migrate", "emulator", "demo"])
def test_the_synopsis_and_the_shared_table_name_every_option(command: str) -> None:
    parser = _subparsers()[command]
    documented = _synopsis()[command]
    if command in ("export", "import", "migrate"):
        documented |= _TABLE
    assert _options(parser) == _long(documented)


def test_every_metavar_of_rate_limit_is_the_one_spelling() -> None:
    for command, parser in _subparsers().items():
        for action in parser._actions:
            if "--rate-limit" in action.option_strings:
                assert action.metavar == "N/10s|none", command
    assert "`--rate-limit N/10s\\|none`" in _SECTION
