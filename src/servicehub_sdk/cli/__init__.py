"""The `servicehub` command line (extra `cli`): sandbox, demo, syncs and everyday calls.

The Typer application itself is `servicehub_sdk.cli._app.app`.
"""

from __future__ import annotations

import sys

from ..core._extras import MissingExtraError, require_extra

__all__ = ["main"]


def main() -> None:
    """Run the `servicehub` command; without the `cli` extra, say so in one line."""
    try:
        require_extra("cli", "typer", "rich", feature="The servicehub command")
    except MissingExtraError as exc:
        print(f"servicehub: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    from ._app import main as run

    run()
