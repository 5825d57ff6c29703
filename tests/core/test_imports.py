"""Importing the package is cheap and loads no backend."""

from __future__ import annotations

import json
import subprocess
import sys


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_import_loads_no_backend_and_no_heavy_dependency() -> None:
    loaded = _modules_after("import servicehub_sdk")
    heavy = {"gql", "lxml", "authlib", "graphql", "pandas", "tqdm", "tenacity", "pydantic", "httpx"}
    assert not {m.split(".")[0] for m in loaded} & heavy
    backends = {"ssh", "fsm", "supportcenter", "cecenter", "spicecsm", "testing"}
    assert not {
        m for m in loaded if m.startswith("servicehub_sdk.") and m.split(".")[1] in backends
    }


def test_core_does_not_load_authlib_until_a_token_is_needed() -> None:
    loaded = _modules_after("import servicehub_sdk.core")
    assert not any(m.startswith(("authlib", "gql", "lxml", "pandas", "tqdm")) for m in loaded)


def test_errors_are_reexported_lazily() -> None:
    import servicehub_sdk
    from servicehub_sdk.core import NotFoundError

    assert servicehub_sdk.NotFoundError is NotFoundError


def test_ssh_import_defers_graphql() -> None:
    loaded = _modules_after("import servicehub_sdk.ssh")
    assert not any(m.startswith(("gql", "graphql", "authlib")) for m in loaded)
