"""The built wheel, installed with one extra at a time in a throwaway virtual environment.

Each install gets only what that extra declares, so a backend that needs a missing extra must
say which one (and the pip command) instead of failing with a bare `ModuleNotFoundError`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")

pytestmark = pytest.mark.skipif(UV is None, reason="uv (a dev dependency) is not installed")

# What each install must be able to do, and what it must refuse with the extra's name.
PROBES = {
    "ssh": "import servicehub_sdk.ssh as m; m.SSHClient",
    "spicecsm": (
        "from servicehub_sdk.spicecsm import WebCallApp;"
        "WebCallApp(int_user='u', int_pass='p', on_load=lambda key: None)"
    ),
    "sandbox": "from servicehub_sdk.testing import Sandbox; Sandbox(['fsm'])",
    "pandas": "import pandas",
    "progress": "import tqdm",
}
WORKS = {
    "": set(),
    "ssh": {"ssh"},
    "spicecsm": {"spicecsm"},
    "sandbox": {"sandbox", "spicecsm"},  # lxml is in both extras
    "pandas": {"pandas"},
    "progress": {"progress"},
    "cli": set(),
}
NEEDS = {
    "ssh": "servicehub_sdk.ssh needs the 'ssh' extra",
    "spicecsm": "WebCallApp needs the 'spicecsm' extra",
    "sandbox": "Sandbox needs the 'sandbox' extra",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [UV, "build", "--quiet", "--wheel", "--out-dir", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("servicehub_sdk-*.whl")
    return built


def _venv(tmp_path: Path, wheel: Path, extra: str) -> Path:
    env = tmp_path / f"venv-{extra or 'core'}"
    subprocess.run([UV, "venv", "--quiet", "--python", sys.executable, str(env)], check=True)
    spec = f"{wheel}[{extra}]" if extra else str(wheel)
    subprocess.run(
        [UV, "pip", "install", "--quiet", spec],
        check=True,
        timeout=300,
        env={**_clean_env(), "VIRTUAL_ENV": str(env)},
    )
    return env


def _clean_env() -> dict[str, str]:
    """The environment without anything that would put the checkout on the path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def _python(env: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(env / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=env,  # not the checkout: only the installed wheel may be imported
        env=_clean_env(),
    )


@pytest.mark.parametrize("extra", ["", "ssh", "spicecsm", "sandbox", "pandas", "progress", "cli"])
def test_wheel_with_one_extra(tmp_path: Path, wheel: Path, extra: str) -> None:
    env = _venv(tmp_path, wheel, extra)

    # The core and the backends without extras always import and build a client.
    core = _python(
        env,
        "import servicehub_sdk;"
        "from servicehub_sdk.fsm import FSMClient;"
        "from servicehub_sdk.supportcenter import SupportCenterClient;"
        "from servicehub_sdk.spicecsm import SpiceCSMClient, WebCallApp",
    )
    assert core.returncode == 0, core.stderr

    for name, probe in PROBES.items():
        outcome = _python(env, probe)
        if name in WORKS[extra]:
            assert outcome.returncode == 0, (name, outcome.stderr)
            continue
        assert outcome.returncode != 0, name
        if name in NEEDS:
            last = outcome.stderr.strip().splitlines()[-1]
            assert last.startswith("servicehub_sdk.core._extras.MissingExtraError"), last
            assert NEEDS[name] in last, last
            assert f"pip install 'servicehub-sdk[{name}]'" in last, last

    command = subprocess.run(
        [str(env / "bin" / "servicehub"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_clean_env(),
    )
    if extra == "cli":
        assert command.returncode == 0, command.stderr
        assert "sandbox" in command.stdout
    else:
        assert command.returncode == 1
        assert command.stderr.strip() == (
            "servicehub: The servicehub command needs the 'cli' extra (typer, rich not "
            "installed): pip install 'servicehub-sdk[cli]'"
        )
