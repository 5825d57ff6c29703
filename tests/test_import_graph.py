"""The import graph has core at the bottom: core knows no backend, backends know no other
backend, and nothing below the integrations imports the layers above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import servicehub_sdk

PACKAGE = Path(servicehub_sdk.__file__).parent
BACKENDS = sorted(servicehub_sdk.backends)
ABOVE_BACKENDS = {"integrations", "helpdesk", "feeds", "cli", "airflow", "testing", "_specs"}


def _imports(path: Path) -> set[str]:
    """The first component below `servicehub_sdk` of every module `path` imports."""
    module = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = module[:-1]  # `pkg/mod.py` and `pkg/__init__.py` are both in `pkg`
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                target = [*base, *(node.module.split(".") if node.module else [])]
                names = (
                    [[*target, alias.name] for alias in node.names] if not node.module else [target]
                )
            else:
                names = [node.module.split(".")] if node.module else []
            for name in names:
                if name[:1] == ["servicehub_sdk"] and len(name) > 1:
                    found.add(name[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "servicehub_sdk" and len(parts) > 1:
                    found.add(parts[1])
    return found


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def test_core_imports_nothing_but_core() -> None:
    wrong = {
        str(path.relative_to(PACKAGE)): sorted(_imports(path) - {"core", "_version"})
        for path in _modules("core")
    }
    assert {path: names for path, names in wrong.items() if names} == {}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backend_imports_core_and_itself_only(backend: str) -> None:
    if not (PACKAGE / backend).is_dir():
        pytest.skip(f"{backend} is not a package of servicehub_sdk")
    allowed = {"core", "_version", backend}
    wrong = {
        str(path.relative_to(PACKAGE)): sorted(_imports(path) - allowed)
        for path in _modules(backend)
    }
    assert {path: names for path, names in wrong.items() if names} == {}


def test_the_graph_is_read() -> None:
    # the reader itself: a module known to import core is seen doing so
    assert "core" in _imports(PACKAGE / "ssh" / "_client.py")
    assert ABOVE_BACKENDS.isdisjoint(_imports(PACKAGE / "core" / "_client.py"))
