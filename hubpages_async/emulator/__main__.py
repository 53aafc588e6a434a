"""``python -m hubpages_async.emulator``: serve until SIGINT/SIGTERM.

``build_arg_parser()`` and ``run_from_args()`` are reused by the ``hubpages emulator``
command so both take the same options.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import sys
from collections.abc import Sequence

from .._rate_spec import RATE_METAVAR
from .auth import parse_token_spec
from .faults import parse_faults
from .limits import parse_rate_limit
from .server import Emulator

__all__ = ["build_arg_parser", "emulator_kwargs", "main", "run_from_args", "serve"]


def _latency(text: str) -> tuple[float, float]:
    base, _, jitter = text.partition(":")
    try:
        return float(base), float(jitter or 0.0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"latency {text!r} is not SECONDS[:JITTER]") from None


def _limit(text: str) -> str | None:
    try:
        return None if parse_rate_limit(text) is None else text
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _faults(text: str) -> str | None:
    try:
        return None if parse_faults(text) is None else text
    except (ValueError, re.error) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _token(text: str) -> str:
    try:
        parse_token_spec(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _daily(text: str) -> int | None:
    if text.strip().lower() == "none":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"daily limit {text!r} is not an integer or 'none'"
        ) from None


def build_arg_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """Add the emulator's options to ``parser`` (or a new one) and return it."""
    p = parser or argparse.ArgumentParser(
        prog="python -m hubpages_async.emulator",
        description="A local HubSpot CMS Pages API v3 emulator.",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    p.add_argument(
        "--seed-pages", type=int, default=0, metavar="N", help="realistic pages per kind"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed of --seed-pages")
    p.add_argument(
        "--rate-limit",
        type=_limit,
        default="100/10s",
        metavar=RATE_METAVAR,
        help="rolling window per token (default 100/10s, HubSpot's Free/Starter limit)",
    )
    p.add_argument(
        "--daily-limit",
        type=_daily,
        default=250_000,
        metavar="N|none",
        help="requests per portal per day (default 250000)",
    )
    p.add_argument(
        "--max-batch",
        type=int,
        default=100,
        metavar="N",
        help="most inputs per batch (default 100)",
    )
    p.add_argument(
        "--latency",
        type=_latency,
        default=(0.0, 0.0),
        metavar="SECONDS[:JITTER]",
        help="added to every answer, plus up to JITTER at random",
    )
    p.add_argument(
        "--faults",
        type=_faults,
        default=None,
        metavar="SPEC",
        help="KIND=P,... with KIND in 500 502 503 504 423 429 reset drop truncate slow cancel, "
        "and optionally paths=REGEX (e.g. 500=0.05,drop=0.02)",
    )
    p.add_argument("--fault-seed", type=int, default=0, metavar="N", help="fault draws' seed")
    p.add_argument(
        "--token",
        type=_token,
        action="append",
        default=None,
        metavar="TOKEN[@PORTAL][:SCOPES]",
        help="accept only these tokens (repeatable); default: any Bearer token",
    )
    p.add_argument(
        "--async-batches", action="store_true", help="batches answer PENDING + links.status"
    )
    p.add_argument(
        "--state", default=None, metavar="FILE", help="sqlite file that survives restarts"
    )
    return p


def emulator_kwargs(args: argparse.Namespace) -> dict[str, object]:
    """Emulator keyword arguments from parsed options."""
    latency, jitter = args.latency
    return {
        "host": args.host,
        "port": args.port,
        "seed_pages": args.seed_pages,
        "seed": args.seed,
        "rate_limit": args.rate_limit,
        "daily_limit": args.daily_limit,
        "max_batch": args.max_batch,
        "latency": latency,
        "jitter": jitter,
        "faults": args.faults,
        "fault_seed": args.fault_seed,
        "tokens": args.token,
        "async_batches": args.async_batches,
        "state": args.state,
    }


async def serve(args: argparse.Namespace) -> None:
    """Run until SIGINT or SIGTERM, printing the listening URL first."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with Emulator(**emulator_kwargs(args)) as emu:  # type: ignore[arg-type]
            print(f"listening on {emu.url}", flush=True)
            await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def run_from_args(args: argparse.Namespace) -> int:
    """Blocking entry point; returns the process exit code."""
    try:
        asyncio.run(serve(args))
    except (OSError, ValueError) as exc:
        print(f"emulator: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m hubpages_async.emulator [options]``."""
    return run_from_args(build_arg_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
