"""Developer sessions: ``nox -s tests lint typecheck docs`` is what CI runs; ``bench`` and
``contract`` are the longer runs. Each session installs from the dependency groups in
pyproject.toml, so nothing has to be installed by hand."""

from __future__ import annotations

import shutil

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "docs"]
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "venv"

PYPROJECT = nox.project.load_toml("pyproject.toml")


def _install(session: nox.Session, *groups: str, package: bool = True) -> None:
    requirements: list[str] = []
    for group in groups:
        requirements.extend(nox.project.dependency_groups(PYPROJECT, group))
    if package:
        session.install("-e", ".")
    if requirements:
        session.install(*requirements)


#: The interpreters pyproject.toml claims; ``tests`` runs on each one installed here
#: (``nox -s tests-3.13`` for one). With pyenv, ``PYENV_VERSION=3.11.7:3.12.1:3.13.0``
#: puts them all on PATH.
PYTHONS = [v for v in ("3.11", "3.12", "3.13") if shutil.which(f"python{v}")] or None


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite, against the embedded emulator on 127.0.0.1."""
    _install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    _install(session, "lint", package=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package, the tests and the benchmarks."""
    _install(session, "typecheck")
    session.run("mypy", "--strict", *session.posargs)


@nox.session
def contract(session: nox.Session) -> None:
    """The whole OpenAPI conformance run of the emulator against HubSpot's spec."""
    _install(session, "contract")
    session.run(
        "pytest", "-m", "contract", "tests/contract", "-p", "no:cacheprovider", *session.posargs
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks side by side with HubSpot's SDKs and the bare floor."""
    _install(session, "bench")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """The API reference from the docstrings (mkdocs + mkdocstrings), warnings as errors."""
    _install(session, "docs")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site", *session.posargs)
