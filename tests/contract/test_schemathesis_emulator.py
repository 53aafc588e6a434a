"""Property-based conformance with schemathesis (contract run only; needs the contract group).

schemathesis generates requests for all 66 documented operations from HubSpot's spec
(``Page.required`` relaxed, as everywhere in this directory) and checks each answer of a
running emulator: no 5xx, a documented status code, the declared content type and a body
matching the declared schema. Generated bodies are mostly refused with 400/404 answers,
which are themselves validated against the spec's ``Error`` schema.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from ._contract_support import load_spec  # noqa: E402

pytestmark = pytest.mark.contract

_spec = load_spec("/cms/v3/pages")
schema = schemathesis.openapi.from_dict(_spec).include(path_regex=r"^/cms/v3/pages/")
AUTH = {"Authorization": "Bearer schemathesis"}


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    """An emulator process (no rate limit) for the synchronous schemathesis calls."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "hubpages_async.emulator", "--port", "0", "--rate-limit", "none",
         "--daily-limit", "none", "--seed-pages", "20"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        m = re.search(r"listening on (\S+)", proc.stdout.readline())
        assert m, "emulator did not start"
        yield m.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


@schema.parametrize()  # type: ignore[untyped-decorator]  # schemathesis's decorator is untyped
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms(case: Any, emulator_url: str) -> None:
    case.call_and_validate(
        base_url=emulator_url,
        headers=AUTH,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
