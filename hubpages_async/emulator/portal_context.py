"""What a page or folder collection needs of its portal and store, as protocols.

``store.py`` builds the collections, so the collections must not import it back: they
are typed against these protocols instead, and ``Portal``/``Store`` satisfy them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

__all__ = ["PortalContext", "StoreServices"]


class StoreServices(Protocol):
    """The store-wide services a collection uses: clock, id counters, change hook."""

    def now(self) -> datetime:
        """The current time, never going backwards."""
        ...

    def next_id(self) -> int:
        """A fresh page/folder id."""
        ...

    def next_revision_id(self) -> str:
        """A fresh revision id."""
        ...

    def changed(self, portal: int, kind: str, rec: Any) -> None:
        """Report a changed record (persistence)."""
        ...


class PortalContext(Protocol):
    """The portal a collection belongs to: its id, store, URL index and domains."""

    @property
    def id(self) -> int:
        """The portal (hub) id."""
        ...

    @property
    def store(self) -> StoreServices:
        """The store the portal lives in."""
        ...

    @property
    def slugs(self) -> dict[tuple[str, str, str], tuple[str, int]]:
        """(domain, slug, language) -> (kind, page id): URLs are unique within a portal."""
        ...

    def slug_owner(self, key: tuple[str, str, str]) -> tuple[str, int] | None:
        """The (kind, id) of the live page at this URL key, if any."""
        ...

    def default_domain(self, kind: str) -> str:
        """The portal's primary domain for a content type."""
        ...
