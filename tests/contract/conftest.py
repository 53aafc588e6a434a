"""Conformance tests: the emulator's answers validated against HubSpot's OpenAPI spec.

Tests marked ``contract`` (the long run, ``nox -s contract``) are *deselected* from a
plain ``pytest`` run unless the marker expression mentions ``contract``, so they are
neither run nor reported as skipped in the main suite; the unmarked fast subset always runs.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect contract-marked tests unless ``-m`` asks for them."""
    if "contract" in (config.getoption("markexpr", "") or ""):
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        (drop if item.get_closest_marker("contract") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_ignore_collect(collection_path: object, config: pytest.Config) -> bool | None:
    """Outside the contract run, do not even import the schemathesis module.

    (It needs the ``contract`` dependency group; importing it in the main suite would
    turn a missing optional tool into a collection error or a reported skip.)
    """
    name = getattr(collection_path, "name", "")
    if name.startswith("test_schemathesis") and "contract" not in (
        config.getoption("markexpr", "") or ""
    ):
        return True
    return None
