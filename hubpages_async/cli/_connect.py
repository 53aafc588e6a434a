"""Open a client for a command: HubSpot with a token, or the embedded emulator without.

With no token in the environment and no ``--base-url``, the command runs against an
emulator started in this process, and says so on stderr: a first run on a fresh
machine works, and never touches a real portal by accident. Tokens are read from an
environment variable by name and handed to the client; they are never printed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import ipaddress
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._args import TIERS, RateSpec
from ._console import UsageError, note

if TYPE_CHECKING:
    from hubpages_async import FoldersResource, HubPages, PagesResource
    from hubpages_async.emulator import Emulator

    from ._progress import Progress

__all__ = [
    "EMULATOR_TOKEN",
    "Portal",
    "client_kwargs",
    "open_portal",
    "preflight",
    "progress_for",
    "rate_limit_of",
    "stats_of",
    "token_from_env",
]

#: What the client sends to an emulator that accepts any token (not a secret).
EMULATOR_TOKEN = "hubpages-emulator"
DEFAULT_URL = "https://api.hubapi.com"


@dataclass(slots=True)
class Portal:
    """An open client and where it points (``label`` is safe to print: no token).

    ``identity`` names the portal in journal job names, so that one input file
    imported into two portals keeps two separate records of what is done. It is a
    truncated hash of URL and token: stable across runs, and not the token. It is
    None for an embedded emulator without ``--emulator-state``, whose data (and so
    any record of progress) ends with the command.
    """

    hs: HubPages
    label: str
    identity: str | None
    emulator: Emulator | None = None

    def pages(self, kind: str) -> PagesResource:
        """The client resource for ``site-pages`` or ``landing-pages``."""
        return self.hs.site_pages if kind == "site-pages" else self.hs.landing_pages

    def resource(self, kind: str) -> PagesResource | FoldersResource:
        """The client resource for ``site-pages``, ``landing-pages`` or ``folders``."""
        return self.hs.landing_pages.folders if kind == "folders" else self.pages(kind)


def _identity(*parts: str) -> str:
    """A short, stable, non-reversible name for a portal (never the token itself)."""
    digest = hashlib.sha256("\0".join(("hubpages-journal", *parts)).encode()).hexdigest()
    return digest[:16]


def _is_loopback(url: str) -> bool:
    """True for localhost and loopback addresses (a local emulator needs no token)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def rate_limit_of(args: argparse.Namespace) -> RateSpec:
    """The limiter the user asked for (``--tier`` or ``--rate-limit``), else the default."""
    if getattr(args, "tier", None):
        return RateSpec(TIERS[args.tier], 10.0)
    spec = getattr(args, "rate_limit", None)
    return spec if isinstance(spec, RateSpec) else RateSpec(100, 10.0)


def client_kwargs(args: argparse.Namespace, *, concurrency: int | None = None) -> dict[str, Any]:
    """Keyword arguments for ``HubPages`` shared by every command."""
    from hubpages_async import RateLimit

    spec = rate_limit_of(args)
    kwargs: dict[str, Any] = {"api": getattr(args, "api", "v3")}
    if spec.requests is None:
        # No client-side limit: a very large window budget is how "off" is spelt.
        kwargs["rate_limit"] = RateLimit(
            requests=100_000, per_seconds=0.001, headroom=0.0, margin=0.0
        )
    else:
        kwargs["rate_limit"] = RateLimit(requests=spec.requests, per_seconds=spec.per_seconds)
    if concurrency is not None:
        # Each in-flight batch needs a connection; leave room for polls and lookups.
        kwargs["max_concurrency"] = max(10, concurrency * 2)
    return kwargs


def token_from_env(name: str) -> str | None:
    """The token in environment variable ``name``, or None when unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or None


@contextlib.asynccontextmanager
async def open_portal(
    args: argparse.Namespace,
    *,
    token_env: str | None = None,
    token: str | None = None,
    base_url: str | None = None,
    concurrency: int | None = None,
) -> AsyncIterator[Portal]:
    """Yield a connected :class:`Portal` and close everything on exit.

    Resolution order: an explicit ``token``; else the variable ``token_env`` (default
    ``--token-env``). With a token the client talks to ``base_url`` (HubSpot by default).
    Without one, a loopback ``base_url`` (a ``hubpages emulator`` running elsewhere)
    gets a placeholder token; no URL at all starts the embedded emulator.
    """
    from hubpages_async import HubPages

    env_name = token_env or args.token_env
    token = token or token_from_env(env_name)
    url = base_url or getattr(args, "base_url", None)
    kwargs = client_kwargs(args, concurrency=concurrency)
    if token is None and url is not None:
        if not _is_loopback(url):
            raise UsageError(
                f"no token: set the environment variable {env_name} (or pass --token-env NAME)"
            )
        token = EMULATOR_TOKEN
    if token is not None:
        if url is not None:
            kwargs["base_url"] = url
        where = url or f"HubSpot ({DEFAULT_URL})"
        async with HubPages(token, **kwargs) as hs:
            yield Portal(hs, where, _identity(url or DEFAULT_URL, token))
        return

    from hubpages_async.emulator import Emulator

    options: dict[str, Any] = {"host": "127.0.0.1", "port": 0}
    state = getattr(args, "emulator_state", None)
    if state:
        options["state"] = state
    options["rate_limit"] = rate_limit_of(args).emulator_spec
    async with Emulator(**options) as emu:
        kept = (
            f"kept in {state}"
            if state
            else "gone when the command ends; --emulator-state FILE keeps them"
        )
        note(
            args,
            f"no token in ${env_name} and no --base-url: using the embedded emulator at "
            f"{emu.url} (its pages are {kept})",
        )
        kwargs["base_url"] = emu.url
        # abspath only reads the working directory: no I/O worth a thread.
        where = os.path.abspath(state) if state else None  # noqa: ASYNC240
        identity = _identity("emulator-state", where) if where else None
        async with HubPages(EMULATOR_TOKEN, **kwargs) as hs:
            yield Portal(hs, f"embedded emulator {emu.url}", identity, emu)


async def preflight(resource: Any) -> None:
    """One cheap read (a single-item list) before a bulk job.

    A refused token or a missing scope then ends the command at once with exit 2,
    instead of turning every input of the job into a reject.
    """
    await resource.list(limit=1)


def stats_of(*clients: HubPages) -> dict[str, float]:
    """The clients' live counters, summed, in the shape the progress display reads.

    ``sleep_started``/``sleep_until`` describe the longest rate-limit sleep any of the
    clients is in right now (0 when none is asleep).
    """
    totals = dict.fromkeys(("requests", "retries", "rate_limited", "waited"), 0.0)
    totals["sleep_started"] = totals["sleep_until"] = 0.0
    for hs in clients:
        stats = hs.stats
        totals["requests"] += stats.requests
        totals["retries"] += stats.retries
        totals["rate_limited"] += stats.rate_limited_429
        totals["waited"] += stats.throttle_wait_seconds
        until = stats.throttle_sleep_until
        if until is not None and until > totals["sleep_until"]:
            totals["sleep_until"] = until
            totals["sleep_started"] = stats.throttle_sleep_started or until
    return totals


def progress_for(args: argparse.Namespace, *clients: HubPages) -> Progress:
    """The command's progress display, fed by ``clients``' counters.

    Each client has its own limiter, so together they may send ``len(clients)`` times
    one limiter's allowance (migrate reads from one portal while writing to another).
    """
    from ._progress import allowed_rate, make_progress

    spec = rate_limit_of(args)
    return make_progress(
        quiet=getattr(args, "quiet", False),
        stats=lambda: stats_of(*clients),
        requests_per_second=allowed_rate(spec.requests, spec.per_seconds) * len(clients),
    )
