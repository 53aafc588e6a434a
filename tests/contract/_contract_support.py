"""HubSpot's OpenAPI documents as jsonschema validators, and a recorder of responses.

The spec's schemas are OpenAPI 3.0 schema objects; they are validated as JSON Schema
(draft 4 semantics, which OpenAPI 3.0 follows) with ``$ref``s resolved inside the spec.

Relaxed, and only this: ``Page.required``. The spec marks all 57 Page properties as
required, a generator artifact (facts file 2.1/6.1: the guide requires only ``name`` and
``templatePath`` on create, and HubSpot's own examples omit fields). Every other
``required`` list, type, enum and format stays as published.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import jsonschema
from spec_files import SPEC_2026_03, SPEC_V3

SPECS = {
    "/cms/v3/pages": SPEC_V3,
    "/cms/pages/2026-03": SPEC_2026_03,
}

_FORMATS = jsonschema.FormatChecker()


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


_FORMATS.checks("date-time", raises=ValueError)(_is_datetime)


@cache
def load_spec(prefix: str) -> dict[str, Any]:
    """The spec for an API prefix, with ``Page.required`` removed (see module docstring)."""
    spec: dict[str, Any] = json.loads(SPECS[prefix].read_text())
    spec = copy.deepcopy(spec)
    spec["components"]["schemas"]["Page"].pop("required", None)
    return spec


def operations(prefix: str) -> set[tuple[str, str]]:
    """(METHOD, spec path) of every documented operation under the prefix."""
    spec = load_spec(prefix)
    return {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        if path.startswith(prefix + "/")
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }


def response_schema(prefix: str, method: str, path: str, status: int) -> dict[str, Any] | None:
    """The schema the spec declares for that answer (``default`` -> Error), or None (no body)."""
    spec = load_spec(prefix)
    responses = spec["paths"][path][method.lower()]["responses"]
    resp = responses.get(str(status))
    if resp is None:
        if status < 400:
            # attach/detach/update-languages declare no success code at all (facts file
            # 1.1); the emulator answers an empty 200, so the only check left is "no body".
            return None
        resp = responses["default"]
    ref = resp.get("$ref")
    if ref:
        resp = spec["components"]["responses"][ref.rsplit("/", 1)[1]]
    content = resp.get("content")
    if not content:
        return None
    media = next(iter(content.values()))
    schema: dict[str, Any] = media["schema"]
    return schema


def validate(prefix: str, method: str, path: str, status: int, body: Any) -> None:
    """Raise jsonschema.ValidationError unless ``body`` matches the declared schema."""
    schema = response_schema(prefix, method, path, status)
    if schema is None:
        assert body is None, f"{method} {path} -> {status}: the spec declares no body"
        return
    root = {"components": load_spec(prefix)["components"], **schema}
    jsonschema.Draft4Validator(root, format_checker=_FORMATS).validate(body)


@dataclass
class Seen:
    """Responses seen per operation: (method, spec path) -> statuses."""

    prefix: str
    statuses: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def check(self, method: str, path: str, status: int, body: Any) -> None:
        """Validate one answer and remember that the operation was exercised."""
        assert (method, path) in operations(self.prefix), f"not a spec operation: {method} {path}"
        validate(self.prefix, method, path, status, body)
        self.statuses.setdefault((method, path), []).append(status)
