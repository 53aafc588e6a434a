"""``--limiter redis://HOST:PORT/DB`` (or ``HUBPAGES_LIMITER_URL``): one shared budget.

Several ``hubpages`` processes (on one host or many) that name the same Redis share the
token's rate budget through :class:`~hubpages_async.limiters.RedisLimiter` instead of
each spending all of it. The rate they share is the one ``--tier``/``--rate-limit`` sets.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._console import UsageError

if TYPE_CHECKING:
    from hubpages_async import RateLimit
    from hubpages_async.limiters import RedisLimiter

__all__ = ["ENV_VAR", "add_limiter_option", "limiter_for", "parse_limiter_url"]

ENV_VAR = "HUBPAGES_LIMITER_URL"


def parse_limiter_url(text: str) -> str:
    """argparse type: ``redis://HOST:PORT/DB`` (``rediss://`` for TLS), checked before use."""
    parts = urlsplit(text.strip())
    problem = None
    if parts.scheme not in ("redis", "rediss"):
        problem = "the scheme must be redis:// or rediss://"
    elif not parts.hostname:
        problem = "it names no host"
    else:
        try:
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            problem = "the port is not a number in 1-65535"
        db = parts.path.lstrip("/")
        if problem is None and db and not db.isdigit():
            problem = f"the database {db!r} is not a number"
    if problem:
        shown = text if "@" not in text else "redis://***@" + text.rpartition("@")[2]
        raise argparse.ArgumentTypeError(
            f"invalid limiter URL {shown!r}: {problem} (expected redis://HOST:PORT/DB)"
        )
    return text.strip()


def add_limiter_option(group: Any) -> None:
    """Add ``--limiter`` to a command's connection options."""
    group.add_argument(
        "--limiter",
        metavar="redis://HOST:PORT/DB",
        type=parse_limiter_url,
        help="share the token's rate budget with every process using this Redis "
        f"(default: ${ENV_VAR} if set, else a limiter of this process only)",
    )


def limiter_for(args: argparse.Namespace, token: str, rate: RateLimit) -> RedisLimiter | None:
    """The shared limiter the options ask for, or None (``--limiter`` wins over the
    environment variable)."""
    url = getattr(args, "limiter", None)
    if url is None:
        env = os.environ.get(ENV_VAR, "").strip()
        if not env:
            return None
        try:
            url = parse_limiter_url(env)
        except argparse.ArgumentTypeError as exc:
            raise UsageError(f"${ENV_VAR}: {exc}") from None
    try:
        from hubpages_async.limiters import RedisLimiter
    except ImportError:
        raise UsageError(
            "--limiter needs the redis extra: pip install 'hubpages-async[redis]'"
        ) from None
    return RedisLimiter(url, token=token, rate=rate)
