"""typer's runner with stdout and stderr apart, whichever click typer runs on."""

from __future__ import annotations

import inspect
from typing import Any

from typer.testing import CliRunner


def separating_runner() -> CliRunner:
    """A runner keeping stdout and stderr apart: click 8.1 needs `mix_stderr=False`; later
    releases always keep them apart (and have no such parameter)."""
    separate = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters
    return CliRunner(**({"mix_stderr": False} if separate else {}))


def printed(result: Any) -> str:
    """Everything a command printed: stdout, then stderr."""
    return str(result.stdout) + str(result.stderr)
