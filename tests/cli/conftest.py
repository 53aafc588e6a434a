"""Run the installed ``hubpages`` command in a subprocess against an in-process emulator.

The emulator serves from its own thread (the plugin's factory) and the CLI runs in a child
process started with ``anyio.run_process``/``open_process``; the test asserts on
``emu.store`` directly once the child has finished.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import anyio
import pytest

from hubpages_async.emulator import Emulator
from hubpages_async.emulator.pytest_plugin import EmulatorFactory

CLI = [sys.executable, "-m", "hubpages_async.cli"]


@dataclass(frozen=True)
class Result:
    """A finished CLI run."""

    code: int
    stdout: str
    stderr: str


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The child's environment: no real token or base URL, no colours, unbuffered."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("HUBSPOT_ACCESS_TOKEN", "HUBSPOT_BASE_URL")
    }
    env.update({"PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "COLUMNS": "120"})
    env.update(extra or {})
    return env


async def hubpages(*args: str, env: Mapping[str, str] | None = None, cwd: Any = None) -> Result:
    """Run ``hubpages ARGS`` to completion (stderr is a pipe: not a terminal)."""
    done = await anyio.run_process([*CLI, *args], env=cli_env(env), cwd=cwd, check=False)
    return Result(done.returncode, done.stdout.decode(), done.stderr.decode())


async def run_python(
    code: str, *args: str, env: Mapping[str, str] | None = None, cwd: Any = None
) -> tuple[int, str, str]:
    """Run ``python -c CODE ARGS`` in the test environment."""
    done = await anyio.run_process(
        [sys.executable, "-c", code, *args], env=cli_env(env), cwd=cwd, check=False
    )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


@pytest.fixture
def emulator(emulator_factory: EmulatorFactory) -> Emulator:
    """An emulator on 127.0.0.1 (the plugin's factory), no rate limit: speed belongs
    to the benchmarks."""
    return emulator_factory(host="127.0.0.1", port=0, rate_limit=None)
