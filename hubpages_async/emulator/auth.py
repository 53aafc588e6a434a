"""Bearer tokens, portals and scopes.

``tokens=None`` accepts any non-empty Bearer token, all in portal 1 with every scope.
Otherwise each token is given as ``TOKEN[@PORTAL][:scope1,scope2]``: only listed tokens
are accepted (401 INVALID_AUTHENTICATION otherwise), a token sees only its portal's
pages and folders, and a token with scopes may call only operations that list one of
them (403 MISSING_SCOPES otherwise).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import ApiError

__all__ = ["Authenticator", "Principal", "TokenSpec", "parse_token_spec", "token_id"]

DEFAULT_PORTAL = 1


@dataclass(frozen=True, slots=True)
class TokenSpec:
    """One accepted token: its portal and, when limited, its scopes (None = all)."""

    token: str
    portal: int = DEFAULT_PORTAL
    scopes: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who made a request: a non-secret token id, the portal and the granted scopes."""

    token_id: str
    portal: int
    scopes: frozenset[str] | None


def token_id(token: str) -> str:
    """A stable, non-secret id for a token (the request log never holds tokens)."""
    return "tok-" + hashlib.sha256(token.encode()).hexdigest()[:12]


def parse_token_spec(spec: str | TokenSpec) -> TokenSpec:
    """Parse ``TOKEN[@PORTAL][:scope1,scope2]``.

    >>> parse_token_spec("abc@7:content")
    TokenSpec(token='abc', portal=7, scopes=frozenset({'content'}))
    """
    if isinstance(spec, TokenSpec):
        return spec
    head, sep, scope_text = spec.partition(":")
    scopes = frozenset(s.strip() for s in scope_text.split(",") if s.strip()) if sep else None
    token, at, portal_text = head.partition("@")
    if not token:
        raise ValueError(f"token spec {spec!r} has an empty token")
    portal = DEFAULT_PORTAL
    if at:
        if not portal_text.isdigit():
            raise ValueError(f"token spec {spec!r}: portal must be a positive integer")
        portal = int(portal_text)
    return TokenSpec(token=token, portal=portal, scopes=scopes)


_401_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and "
    "you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


class Authenticator:
    """Maps an ``Authorization`` header to a :class:`Principal` or raises 401/403."""

    def __init__(self, tokens: Iterable[str | TokenSpec] | None) -> None:
        self._open = tokens is None
        self._specs = {s.token: s for s in map(parse_token_spec, tokens or ())}
        self._cache: dict[str, Principal] = {}

    @property
    def portals(self) -> set[int]:
        """The portals named by the configured tokens (portal 1 in open mode)."""
        return {s.portal for s in self._specs.values()} or {DEFAULT_PORTAL}

    def authenticate(self, header: str | None) -> Principal:
        """Return the caller, or raise 401 INVALID_AUTHENTICATION."""
        if header is not None:
            cached = self._cache.get(header)
            if cached is not None:
                return cached
        scheme, _, token = (header or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "INVALID_AUTHENTICATION", _401_MESSAGE)
        if self._open:
            principal = Principal(token_id(token), DEFAULT_PORTAL, None)
        else:
            spec = self._specs.get(token)
            if spec is None:
                raise ApiError(
                    401,
                    "INVALID_AUTHENTICATION",
                    "The OAuth token used to make this call expired or is not valid.",
                    sub_category="INVALID_OAUTH_TOKEN",
                )
            principal = Principal(token_id(token), spec.portal, spec.scopes)
        assert header is not None
        self._cache[header] = principal
        return principal

    @staticmethod
    def require(principal: Principal, any_of: frozenset[str]) -> None:
        """Raise 403 MISSING_SCOPES unless the caller holds one of ``any_of``."""
        if principal.scopes is None or principal.scopes & any_of:
            return
        raise ApiError(
            403,
            "MISSING_SCOPES",
            "This app hasn't been granted all required scopes to make this call.",
            errors=[
                {
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": sorted(any_of)},
                }
            ],
        )
