"""The vendored specs are HubSpot's published bytes, unmodified."""

from __future__ import annotations

import hashlib

import pytest
from spec_files import PUBLISHED_SHA256, SPEC_DIR


@pytest.mark.parametrize("path", sorted(PUBLISHED_SHA256), ids=lambda p: p.name)
def test_vendored_spec_is_the_published_file(path: object) -> None:
    assert isinstance(path, type(SPEC_DIR))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == PUBLISHED_SHA256[path]
    # SOURCE.md records the same digest, so the provenance note and the bytes agree.
    assert PUBLISHED_SHA256[path] in (SPEC_DIR / "SOURCE.md").read_text()
