"""`python -m servicehub_sdk.testing`: run the sandbox until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import threading

from ._sandbox import Sandbox, registered_backends


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the servicehub-sdk sandbox on loopback.")
    parser.add_argument(
        "backends", nargs="*", help=f"default: all ({', '.join(registered_backends())})"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated data")
    parser.add_argument("--faults", default=None, help="fault profile: flaky, slow, rate-limited")
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with Sandbox(args.backends or None, seed=args.seed, faults=args.faults) as sandbox:
        print(json.dumps(sandbox.describe(), indent=2), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
