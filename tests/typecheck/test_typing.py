"""``mypy --strict`` over ``cases.py``: what it reveals and rejects is what we promise.

The way msgspec tests its own types: a file of user code whose ``# R:`` lines must
reveal a given type and whose ``# E:`` lines must be errors of a given code, with no
other error anywhere. mypy runs in a subprocess with the project's configuration (its
``exclude`` keeps ``cases.py`` out of the normal ``mypy --strict`` run).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CASES = HERE / "cases.py"
ROOT = HERE.parent.parent

_MARK = re.compile(r"#\s*(R|E):\s*(.+?)\s*$")
_LINE = re.compile(r"^[^:]+:(\d+): (error|note): (.*?)(?:  \[([\w-]+)\])?$")
_QUALIFIED = re.compile(r"\b(?:\w+\.)+(\w+)")


def expectations() -> tuple[dict[int, str], dict[int, str]]:
    """``({line: revealed type}, {line: error code})`` from the comments of ``cases.py``."""
    reveals: dict[int, str] = {}
    errors: dict[int, str] = {}
    source = CASES.read_text()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        match = _MARK.search(token.string)
        if match:
            kind, value = match.groups()
            (reveals if kind == "R" else errors)[token.start[0]] = value
    return reveals, errors


def run_mypy(tmp: Path) -> tuple[dict[int, str], dict[int, set[str]], str]:
    """Revealed types and error codes by line, and mypy's whole output (for messages)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--show-error-codes",
            "--no-error-summary",
            "--no-pretty",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp / "mypy-cache"),
            str(CASES),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    revealed: dict[int, str] = {}
    errors: dict[int, set[str]] = {}
    for line in proc.stdout.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        number, level, message, code = match.groups()
        if level == "note" and message.startswith("Revealed type is "):
            shown = message.removeprefix("Revealed type is ").strip('"')
            revealed[int(number)] = _QUALIFIED.sub(r"\1", shown)
        elif level == "error":
            errors.setdefault(int(number), set()).add(code or "?")
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr  # 2 is a crash or bad usage
    return revealed, errors, proc.stdout


@pytest.mark.timeout(600)
def test_mypy_reveals_and_rejects_what_cases_py_says(tmp_path: Path) -> None:
    want_reveals, want_errors = expectations()
    # The markers themselves: enough of both kinds that an empty parse cannot pass.
    assert len(want_reveals) >= 15
    assert len(want_errors) >= 15
    revealed, errors, output = run_mypy(tmp_path)
    assert revealed == want_reveals, output
    wrong = {
        line: codes
        for line, codes in errors.items()
        if line not in want_errors or want_errors[line] not in codes
    }
    assert not wrong, f"unexpected errors on lines {sorted(wrong)}:\n{output}"
    missing = sorted(set(want_errors) - set(errors))
    assert not missing, f"lines {missing} must be errors but mypy accepted them:\n{output}"
