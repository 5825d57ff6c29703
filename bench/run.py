"""Run every benchmark script in this folder, one after the other, each in a Python process
of its own: what one script leaves in memory (and the garbage collector then walks) does not
weigh on the next one's figures. `anchors.py` runs with `$ANCHORS_PYTHON` when set (`make
bench` sets it to an environment with the clients it compares the SDK with)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

here = Path(__file__).parent
failed = []
for script in sorted(here.glob("*.py")):
    if script.name == "run.py" or script.name.startswith("_"):
        continue
    print(f"== {script.stem}", flush=True)
    python = sys.executable
    if script.name == "anchors.py":
        python = os.environ.get("ANCHORS_PYTHON") or python
    if subprocess.run([python, str(script)], check=False).returncode != 0:
        failed.append(script.name)
if failed:
    sys.exit(f"failed: {', '.join(failed)}")
