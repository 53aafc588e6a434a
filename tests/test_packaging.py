"""Packaging: license, versions claimed and tested, ``python -m hubpages_async``, the
changelog and the API reference's coverage of the public names."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import hubpages_async

ROOT = Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_mit_license_with_an_spdx_expression() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")
    assert importlib.metadata.metadata("hubpages-async")["License-Expression"] == "MIT"


def test_one_version_everywhere() -> None:
    assert importlib.metadata.version("hubpages-async") == hubpages_async.__version__
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"## [{hubpages_async.__version__}]" in changelog


def _nox_pythons() -> list[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "PYTHONS":
            (versions,) = [n for n in ast.walk(node.value) if isinstance(n, ast.Tuple)]
            return [ast.literal_eval(elt) for elt in versions.elts]
    raise AssertionError("noxfile.py has no PYTHONS")


def test_claimed_pythons_are_the_tested_ones() -> None:
    classifiers = PYPROJECT["project"]["classifiers"]
    claimed = [c.rsplit(" ", 1)[1] for c in classifiers if re.fullmatch(r".*Python :: 3\.\d+", c)]
    assert claimed == ["3.11", "3.12", "3.13"]
    assert _nox_pythons() == claimed
    assert PYPROJECT["project"]["requires-python"] == f">={claimed[0]}"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "nox -s tests-3.11 tests-3.13" in ci


def _module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hubpages_async", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_python_dash_m_describes_the_package() -> None:
    done = _module()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"hubpages_async {hubpages_async.__version__}: ")
    assert "usage: hubpages" in done.stdout
    assert "export" in done.stdout


def test_python_dash_m_runs_the_command() -> None:
    done = _module("--version")
    assert (done.returncode, done.stdout) == (0, f"hubpages {hubpages_async.__version__}\n")
    done = _module("export", "--type", "nonsense")
    assert done.returncode == 2
    assert "invalid choice" in done.stderr


def test_the_reference_covers_every_public_name() -> None:
    pages = "\n".join(p.read_text() for p in (ROOT / "docs" / "reference").glob("*.md"))
    rendered = set(re.findall(r"^::: (\S+)", pages, flags=re.M))
    # A module rendered whole shows its __all__; its names count as covered.
    covered = set(rendered)
    for target in rendered:
        try:
            module = importlib.import_module(target)
        except ImportError:
            continue
        covered |= {f"hubpages_async.{name}" for name in getattr(module, "__all__", ())}
        covered.add(target)
    missing = [
        name
        for name in hubpages_async.__all__
        if not name.startswith("__") and f"hubpages_async.{name}" not in covered
    ]
    assert missing == []
