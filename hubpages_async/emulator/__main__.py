"""``python -m hubpages_async.emulator``: serve until SIGINT/SIGTERM.

``build_arg_parser()`` and ``run_from_args()`` are reused by the ``hubpages emulator``
command so both take the same options.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence

from .server import Emulator

__all__ = ["build_arg_parser", "emulator_kwargs", "main", "run_from_args", "serve"]


def _latency(text: str) -> tuple[float, float]:
    base, _, jitter = text.partition(":")
    try:
        return float(base), float(jitter or 0.0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"latency {text!r} is not SECONDS[:JITTER]") from None


def _limit(text: str) -> str | None:
    return None if text.strip().lower() == "none" else text


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
    p.add_argument("--rate-limit", type=_limit, default="100/10s", metavar="N/10s|none")
    p.add_argument("--daily-limit", type=_daily, default=250_000, metavar="N|none")
    p.add_argument("--max-batch", type=int, default=100, metavar="N")
    p.add_argument("--latency", type=_latency, default=(0.0, 0.0), metavar="SECONDS[:JITTER]")
    p.add_argument("--faults", default=None, metavar="SPEC", help="e.g. 500=0.05,drop=0.02")
    p.add_argument("--fault-seed", type=int, default=0, metavar="N")
    p.add_argument(
        "--token",
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
