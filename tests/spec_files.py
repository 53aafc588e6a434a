"""Where the tests find HubSpot's published OpenAPI documents.

The two specs are vendored byte for byte under ``tests/data/spec`` (provenance in the
SOURCE.md beside them), so the suite runs from any checkout; ``test_spec_files.py``
proves the copies are still the published bytes by their sha256.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

SPEC_DIR: Final = Path(__file__).parent / "data" / "spec"
SPEC_V3: Final = SPEC_DIR / "hubspot-cms-pages-v3.openapi.json"
SPEC_2026_03: Final = SPEC_DIR / "hubspot-cms-pages-2026-03.openapi.json"

#: sha256 of HubSpot's files as published (from SOURCE.md).
PUBLISHED_SHA256: Final = {
    SPEC_V3: "e29417a944b4ee30c005d4393affeb4380448e466e58f6c12ced572fd92b967f",
    SPEC_2026_03: "32e2d5f3b5057ac93ffe872bef8013bb481b4642431c46222e00a0474329768d",
}
