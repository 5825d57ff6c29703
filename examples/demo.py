"""The demo of `make demo` / `servicehub demo`, as a script that needs no command-line extra.

    python examples/demo.py

It starts the built-in sandbox (an emulator of every backend on 127.0.0.1, sandbox-only
credentials) and runs the flagship integration step by step, each step saying in plain words
what it does and why, then what happened. The code of each step is in
`src/servicehub_sdk/cli/demo.py`; `examples/ssh_sync_customers.py` and the other examples show
single tasks in full.
"""

from __future__ import annotations

import shutil
import textwrap

from servicehub_sdk.cli._demo import (
    INTRODUCTION,
    DemoStep,
    render_step,
    run_demo,
)


def show(number: int, step: DemoStep) -> None:
    print(render_step(number, step), end="\n\n", flush=True)


def main() -> None:
    print(textwrap.fill(INTRODUCTION, shutil.get_terminal_size().columns) + "\n")
    _, took = run_demo(on_step=show)
    print(took)


if __name__ == "__main__":
    main()
