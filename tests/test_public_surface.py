"""The public surface: each package's `__init__` and nothing else.

Every exported name resolves, every error class of the SDK sits under `ServiceHubError` and
is exported by `servicehub_sdk`, every other module is `_`-prefixed, and importing the top
package loads no backend.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import servicehub_sdk
from servicehub_sdk import MissingExtraError, ServiceHubError

SRC = Path(servicehub_sdk.__file__).parent
PUBLIC_PACKAGES = {
    "servicehub_sdk",
    "servicehub_sdk.airflow",
    "servicehub_sdk.airflow.hooks",
    "servicehub_sdk.airflow.operators",
    "servicehub_sdk.airflow.sensors",
    "servicehub_sdk.airflow.triggers",
    "servicehub_sdk.cecenter",
    "servicehub_sdk.cli",
    "servicehub_sdk.core",
    "servicehub_sdk.feeds",
    "servicehub_sdk.fsm",
    "servicehub_sdk.helpdesk",
    "servicehub_sdk.integrations",
    "servicehub_sdk.spicecsm",
    "servicehub_sdk.ssh",
    "servicehub_sdk.supportcenter",
    "servicehub_sdk.testing",
}
BACKENDS = ("ssh", "fsm", "supportcenter", "cecenter", "spicecsm")
TEST_FAILURES = (AssertionError,)
"""Raised by the sandbox's drivers to fail the user's test, not by the SDK at run time."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> list[str]:
    return sorted(_module_name(path) for path in SRC.rglob("*.py") if path.name != "__main__.py")


def _import(name: str) -> object:
    try:
        return importlib.import_module(name)
    except MissingExtraError as exc:  # e.g. the Airflow provider without Airflow
        pytest.skip(f"{name}: {exc}")


def test_every_package_is_one_of_the_public_ones() -> None:
    packages = {_module_name(path) for path in SRC.rglob("__init__.py")}
    public = {name for name in packages if not any(p.startswith("_") for p in name.split("."))}
    assert public == PUBLIC_PACKAGES


def test_every_other_module_is_underscore_prefixed() -> None:
    public = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
        and not any(part.startswith("_") for part in path.relative_to(SRC).parts)
    ]
    assert public == []


@pytest.mark.parametrize("package", sorted(PUBLIC_PACKAGES))
def test_every_exported_name_resolves(package: str) -> None:
    module = _import(package)
    exported = getattr(module, "__all__", None)
    if package == "servicehub_sdk.airflow":  # documents its three subpackages only
        assert exported is None
        return
    assert exported, f"{package} has no __all__"
    assert len(set(exported)) == len(exported)
    missing = []
    for name in exported:
        try:
            value = getattr(module, name, None)
        except MissingExtraError:  # resolves, to a name of an extra not installed here
            continue
        if value is None:
            missing.append(name)
    assert missing == []


def _classes_in(source: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    return [
        (node.name, [ast.unparse(base) for base in node.bases])
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    ]


def _error_classes() -> tuple[list[type[BaseException]], list[str]]:
    """Every exception class defined in the SDK's modules; modules that need an absent
    extra are read instead, and listed when they define anything exception-like."""
    found: dict[str, type[BaseException]] = {}
    unread: list[str] = []
    for name in _modules():
        try:
            module = importlib.import_module(name)
        except MissingExtraError:
            path = SRC.parent / (name.replace(".", "/") + ".py")
            if not path.exists():
                path = path.with_suffix("") / "__init__.py"
            unread += [
                f"{name}.{cls}"
                for cls, bases in _classes_in(path)
                if any(b.endswith(("Error", "Exception")) for b in bases)
            ]
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == name
            ):
                found[f"{name}.{value.__qualname__}"] = value
    return list(found.values()), unread


def test_every_error_class_is_a_service_hub_error_exported_by_the_top_package() -> None:
    classes, unread = _error_classes()
    assert unread == []
    public = [
        cls
        for cls in classes
        if not cls.__name__.startswith("_")
        and not issubclass(cls, TEST_FAILURES)
        and not issubclass(cls, Warning)  # warnings are not errors; exported all the same
    ]
    assert len(public) >= 27
    assert [cls for cls in public if not issubclass(cls, ServiceHubError)] == []
    assert [cls for cls in public if getattr(servicehub_sdk, cls.__name__, None) is not cls] == []
    exported = {
        name
        for name in servicehub_sdk.__all__
        if isinstance(getattr(servicehub_sdk, name), type)
        and issubclass(getattr(servicehub_sdk, name), BaseException)
    }
    warnings = {cls.__name__ for cls in classes if issubclass(cls, Warning)}
    assert exported == {cls.__name__ for cls in public} | warnings


def test_missing_extra_error_is_also_a_module_not_found_error() -> None:
    error = MissingExtraError("The servicehub command", "cli", ["typer"])
    assert isinstance(error, ServiceHubError)
    assert isinstance(error, ModuleNotFoundError)
    assert error.name == "typer"
    assert error.message == str(error)
    assert error.may_have_been_applied is False
    with pytest.raises(ImportError, match=r"pip install 'servicehub-sdk\[cli\]'"):
        raise error


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def _backends_in(loaded: set[str]) -> set[str]:
    return {
        m.split(".")[1]
        for m in loaded
        if m.startswith("servicehub_sdk.") and m.split(".")[1] in BACKENDS
    }


def test_importing_the_package_or_a_core_error_loads_no_backend() -> None:
    assert _backends_in(_modules_after("import servicehub_sdk")) == set()
    loaded = _modules_after("import servicehub_sdk; servicehub_sdk.ClientClosedError")
    assert _backends_in(loaded) == set()


def test_a_backend_error_loads_its_backend_only() -> None:
    loaded = _modules_after("import servicehub_sdk; servicehub_sdk.SpiceAPIError")
    assert _backends_in(loaded) == {"spicecsm"}


def test_importing_testing_loads_no_emulator() -> None:
    loaded = _modules_after("import servicehub_sdk.testing")
    emulators = {f"servicehub_sdk.testing._{b}" for b in BACKENDS}
    assert not loaded & emulators
    assert not any(m.startswith(("graphql", "lxml")) for m in loaded)
    assert _backends_in(loaded) == set()


def test_the_emulators_are_exported_by_testing() -> None:
    import servicehub_sdk.testing as testing
    from servicehub_sdk.testing import (
        CECenterEmulator,
        FSMEmulator,
        SpiceCSMEmulator,
        SSHEmulator,
        SupportCenterEmulator,
    )

    assert testing.SSHEmulator is SSHEmulator
    assert testing.FSMEmulator is FSMEmulator
    assert testing.SupportCenterEmulator is SupportCenterEmulator
    assert testing.CECenterEmulator is CECenterEmulator
    assert testing.SpiceCSMEmulator is SpiceCSMEmulator
    assert "SSHEmulator" in dir(testing)


ROOT = SRC.parents[1]
_IMPORT = re.compile(r"^\s*from (servicehub_sdk[\w.]*\._\w+[\w.]*) import \(?([\w ,]+)\)?\s*$")


def _public_package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[: next(i for i, p in enumerate(parts) if p.startswith("_"))])


def _imports_from_internal_modules(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of each `from servicehub_sdk.<package>._<module> import ...`."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return [
            (node.lineno, node.module, [alias.name for alias in node.names])
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("servicehub_sdk.")
            and "._" in node.module
        ]
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _IMPORT.match(line)
        if match:
            names = [name.strip() for name in match.group(2).split(",") if name.strip()]
            found.append((number, match.group(1), names))
    return found


def test_users_code_imports_public_names_from_their_package() -> None:
    """README, docs, examples, bench and tests import what a package exports from the
    package, never from the module that defines it."""
    paths = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for folder in ("examples", "bench", "tests"):
        paths += sorted((ROOT / folder).rglob("*.py"))
    offenders = []
    for path in paths:
        for line, module, names in _imports_from_internal_modules(path):
            package = importlib.import_module(_public_package(module))
            defining = importlib.import_module(module)
            public = [
                name
                for name in names
                if name in getattr(package, "__all__", ())
                and getattr(package, name) is getattr(defining, name, None)
            ]
            if public:
                where = path.relative_to(ROOT)
                offenders.append(f"{where}:{line}: from {package.__name__} import {public}")
    assert offenders == []
