"""``--limiter redis://HOST:PORT/DB`` (or ``HUBPAGES_LIMITER_URL``): one shared budget.

Several ``hubpages`` processes (on one host or many) that name the same Redis share the
token's rate budget through :class:`~hubpages_async.limiters.RedisLimiter` instead of
each spending all of it. The rate they share is the one ``--tier``/``--rate-limit`` sets.
Two query parameters choose what happens when Redis goes away mid-job:
``?on_error=fail`` (default: the job stops, rerun it to resume) or
``?on_error=local&share=0.5`` (carry on at that share of the budget).
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
        if problem is None:
            problem = _option_problem(dict(parse_qsl(parts.query)))
    if problem:
        shown = text if "@" not in text else "redis://***@" + text.rpartition("@")[2]
        raise argparse.ArgumentTypeError(
            f"invalid limiter URL {shown!r}: {problem} (expected redis://HOST:PORT/DB)"
        )
    return text.strip()


def _option_problem(query: dict[str, str]) -> str | None:
    on_error = query.get("on_error", "fail")
    if on_error not in ("fail", "local"):
        return f"on_error must be fail or local, not {on_error!r}"
    try:
        share = float(query.get("share", "0.5"))
    except ValueError:
        share = -1.0
    if not 0 < share <= 1:
        return "share must be a number in (0, 1]"
    return None


def _split_options(url: str) -> tuple[str, dict[str, Any]]:
    """The URL redis-py gets (without our parameters), and RedisLimiter's options."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    ours = {k: v for k, v in query if k in ("on_error", "share")}
    rest = [(k, v) for k, v in query if k not in ours]
    options: dict[str, Any] = {"on_redis_error": ours.get("on_error", "fail")}
    if "share" in ours:
        options["fallback_share"] = float(ours["share"])
    return urlunsplit(parts._replace(query=urlencode(rest))), options


def add_limiter_option(group: Any) -> None:
    """Add ``--limiter`` to a command's connection options."""
    group.add_argument(
        "--limiter",
        metavar="redis://HOST:PORT/DB",
        type=parse_limiter_url,
        help="share the token's rate budget with every process using this Redis "
        f"(default: ${ENV_VAR} if set, else a limiter of this process only); add "
        "?on_error=local&share=0.5 to carry on at half the budget if Redis goes away",
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
    redis_url, options = _split_options(url)
    return RedisLimiter(redis_url, token=token, rate=rate, **options)
