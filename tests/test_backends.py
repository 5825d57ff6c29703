"""The backend registry: the five built-in specs are complete, nothing else in the SDK lists
the backends, and a sixth backend added the way a third-party package adds one is picked up
by the CLI, the sandbox and `servicehub_sdk.backends`."""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Unpack

import httpx
import pytest
from typer.testing import CliRunner

import servicehub_sdk
from servicehub_sdk import BackendSpec, ResourceCommands, register_backend, unregister_backend
from servicehub_sdk._backends import load_object
from servicehub_sdk.airflow._connections import CONNECTION_SPECS, ConnectionSpec
from servicehub_sdk.airflow._get_provider_info import get_provider_info
from servicehub_sdk.core import (
    APIKeyHeader,
    Async,
    AsyncClient,
    Call,
    CallOptions,
    ClientBase,
    ClientContext,
    Resource,
    Sync,
    SyncClient,
    operation,
)
from servicehub_sdk.core._client import M
from servicehub_sdk.testing import (
    BackendEmulator,
    EmulatedRequest,
    EmulatedResponse,
    Sandbox,
    registered_backends,
)

SRC = Path(servicehub_sdk.__file__).parent
BUILT_IN = [
    point.name
    for point in entry_points(group="servicehub_sdk.backends")
    if point.value.startswith("servicehub_sdk.")
]
NOT_CONFIGURABLE = ("self", "http_client", "auth")


def test_the_five_built_in_backends_are_registered_through_entry_points() -> None:
    assert sorted(BUILT_IN) == ["cecenter", "fsm", "spicecsm", "ssh", "supportcenter"]
    assert set(BUILT_IN) <= set(servicehub_sdk.backends)
    assert set(BUILT_IN) <= set(registered_backends())


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_built_in_spec_is_complete(name: str) -> None:
    spec = servicehub_sdk.backends[name]
    assert spec.name == name
    assert spec.display_name and spec.description
    assert spec.env_prefix == f"SERVICEHUB_{name.upper()}_"
    # the client classes, and the settings are exactly what their constructors take
    sync, asynchronous = spec.client_class(), spec.client_class(asynchronous=True)
    assert issubclass(sync, SyncClient) and issubclass(asynchronous, AsyncClient)
    for cls in (sync, asynchronous):
        assert cls.env_prefix == spec.env_prefix
        parameters = inspect.signature(cls.__init__).parameters
        assert spec.settings == tuple(p for p in parameters if p not in NOT_CONFIGURABLE)
    # the emulator: loadable, and it is this backend's
    emulator = spec.emulator_factory()(0)
    assert isinstance(emulator, BackendEmulator)
    assert emulator.name == name
    assert set(emulator.client_config("http://127.0.0.1:1")) <= set(spec.settings)
    # the CLI's everyday commands
    commands = spec.commands()
    assert commands and all(isinstance(c, ResourceCommands) for c in commands)
    # Airflow: the connection type stored connections use, a hook class of that name in its
    # module (the module needs Airflow, so it is read, not imported) and a form of settings
    assert spec.airflow_conn_type == f"servicehub_{name}"
    assert spec.airflow_hook is not None
    module, _, hook = spec.airflow_hook.partition(":")
    path = SRC.parent.joinpath(*module.split(".")).with_suffix(".py")
    assert f"class {hook}(" in path.read_text(encoding="utf-8")
    connection = ConnectionSpec.of(spec)
    assert connection.hook_class == f"{module}.{hook}"
    client_fields = [s.parameter for s in connection.standard.values()] + [
        f.name for f in connection.extras if f.client
    ]
    assert set(client_fields) <= set(spec.settings)
    # optional capability: a help desk adapter for the ticket systems
    if name in ("supportcenter", "cecenter", "spicecsm"):
        assert load_object(spec.help_desk).backend == name
    else:
        assert spec.help_desk is None


READ_EVERY_SPEC = """
import sys
import servicehub_sdk
assert "servicehub_sdk._backends" not in sys.modules  # `import servicehub_sdk` stays cheap
for spec in servicehub_sdk.backends.values():
    spec.commands()
from servicehub_sdk.airflow._get_provider_info import get_provider_info
from servicehub_sdk.testing import registered_backends
get_provider_info(), registered_backends()
names = set(servicehub_sdk.backends)
print(sorted(m for m in sys.modules if m.split(".")[1:2] and m.split(".")[1] in names))
"""


def test_reading_the_registry_imports_no_client_code() -> None:
    done = subprocess.run(
        [sys.executable, "-c", READ_EVERY_SPEC], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_registry_is_read_only_and_refuses_a_second_spec_under_a_name() -> None:
    ssh = servicehub_sdk.backends["ssh"]
    with pytest.raises(TypeError):
        servicehub_sdk.backends["ssh"] = ssh  # type: ignore[index]  # read-only on purpose
    assert register_backend(ssh) is ssh  # the same spec again: nothing happens
    with pytest.raises(ValueError, match="already registered"):
        register_backend(BackendSpec(name="ssh", display_name="Another"))
    with pytest.raises(ValueError, match="lower-case"):
        BackendSpec(name="Echo-Test", display_name="x")
    with pytest.raises(KeyError, match="registered: "):
        servicehub_sdk.backends["nope"]


# -- nothing else lists the backends -----------------------------------------------------

REGISTRY_FILES = {SRC / "_backends.py", *SRC.joinpath("_specs").glob("*.py")}


def _listings(tree: ast.AST, names: set[str]) -> Iterator[tuple[int, list[str]]]:
    """Collection literals, and texts, naming three or more backends."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
            items = node.keys if isinstance(node, ast.Dict) else node.elts
            found = [
                item.value
                for item in items
                if isinstance(item, ast.Constant) and item.value in names
            ]
            if len(set(found)) >= 3:
                yield node.lineno, found
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            words = re.findall(r"[a-z]+", node.value)
            found = [word for word in words if word in names]
            if len(set(found)) >= 3:
                yield node.lineno, found


def test_nothing_outside_the_registry_lists_the_backends() -> None:
    names = set(BUILT_IN)
    offenders = [
        f"{path.relative_to(SRC)}:{line}: {found}"
        for path in sorted(SRC.rglob("*.py"))
        if path not in REGISTRY_FILES
        for line, found in _listings(ast.parse(path.read_text(encoding="utf-8")), names)
    ]
    assert offenders == []


def test_the_listing_check_finds_a_hand_written_list() -> None:
    tree = ast.parse('TARGETS = ("supportcenter", "cecenter", "spicecsm")\nX = "ssh or fsm"')
    assert [line for line, _ in _listings(tree, set(BUILT_IN))] == [1]
    help_text = ast.parse('HELP = "use supportcenter, cecenter or spicecsm"')
    assert len(list(_listings(help_text, set(BUILT_IN)))) == 1


# -- a sixth backend, added as a third party adds one ------------------------------------


def _json(response: httpx.Response) -> dict[str, Any]:
    data: dict[str, Any] = response.json()
    return data


class Widgets(Resource[M]):
    @operation
    def get(self, widget_id: str, **options: Unpack[CallOptions]) -> Call[dict[str, Any]]:
        """GET /widgets/{id}."""
        return Call("GET", f"widgets/{widget_id}", parse=_json)


class _Toy(ClientBase[M]):
    env_prefix = "SERVICEHUB_TOY_"

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        auth: httpx.Auth | None = None,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
    ) -> None:
        engine = self._open_engine(
            base_url=base_url,
            auth=auth or APIKeyHeader("x-api-key", api_key or ""),
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
        )
        self._context = ClientContext(engine=engine, client_name=type(self).__name__)
        self.widgets: Widgets[M] = Widgets(self._context)


class ToyClient(_Toy[Sync], SyncClient):
    pass


class AsyncToyClient(_Toy[Async], AsyncClient):
    pass


def toy_app(request: EmulatedRequest) -> EmulatedResponse:
    if request.headers.get("x-api-key") != "toy-key":
        return EmulatedResponse.json({"error": "no key"}, status=401)
    widget_id = request.path.rpartition("/")[2]
    return EmulatedResponse.json({"id": widget_id, "name": f"widget {widget_id}"})


def create_toy_emulator(seed: int = 0) -> BackendEmulator:
    return BackendEmulator(
        "toy", toy_app, lambda url: {"base_url": url, "api_key": "toy-key"}, credentials={}
    )


TOY = BackendSpec(
    name="toy",
    display_name="Toy Widgets",
    description="the toy widget service",
    settings=("base_url", "api_key", "timeout", "max_retries"),
    sync_client=ToyClient,
    async_client=f"{__name__}:AsyncToyClient",
    emulator=f"{__name__}:create_toy_emulator",
    cli_commands=(
        ResourceCommands(
            "widgets",
            "toy widgets",
            lambda client: [client.widgets.get("1")],
            lambda client, key: client.widgets.get(key),
        ),
    ),
)


@pytest.fixture
def toy() -> Iterator[BackendSpec]:
    register_backend(TOY)
    try:
        yield TOY
    finally:
        unregister_backend("toy")


async def test_a_sixth_backend_is_one_spec_and_one_registration(
    toy: BackendSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    from servicehub_sdk.cli._app import app

    assert servicehub_sdk.backends["toy"] is toy
    assert "toy" in registered_backends()
    with Sandbox(backends=[toy]) as sandbox:
        assert sandbox.url("toy").startswith("http://127.0.0.1:")
        with sandbox.client("toy") as client:
            assert client.widgets.get("7") == {"id": "7", "name": "widget 7"}
        async with sandbox.async_client("toy") as client:
            assert (await client.widgets.get("8"))["name"] == "widget 8"
        environ = sandbox.environ()
        assert environ == {
            "SERVICEHUB_TOY_BASE_URL": sandbox.url("toy"),
            "SERVICEHUB_TOY_API_KEY": "toy-key",
        }
        for variable, value in environ.items():
            monkeypatch.setenv(variable, value)
        with ToyClient.from_env() as client:
            assert client.widgets.get("9")["id"] == "9"
        runner = CliRunner()
        shown = runner.invoke(app, ["toy", "widgets", "get", "5", "--json"])
        assert shown.exit_code == 0, shown.output
        assert '"name": "widget 5"' in shown.output
        assert "Toy" in runner.invoke(app, ["toy", "--help"]).output
    # no Airflow connection type declared: the provider has none for it
    assert "toy" not in CONNECTION_SPECS
    assert all(
        e["connection-type"] != "servicehub_toy" for e in get_provider_info()["connection-types"]
    )


def test_an_unregistered_backend_is_gone_everywhere() -> None:
    from servicehub_sdk.cli._app import app

    register_backend(TOY)
    unregister_backend("toy")
    assert "toy" not in servicehub_sdk.backends
    assert "toy" not in registered_backends()
    with pytest.raises(ValueError, match="unknown sandbox backend"):
        Sandbox(["toy"])
    result = CliRunner().invoke(app, ["toy", "widgets", "list"])
    assert result.exit_code != 0
    assert "No such command 'toy'" in result.output


# -- the design notes' convention table --------------------------------------------------

DESIGN = SRC.parent.parent / "docs" / "concepts" / "design.md"


def _design_table() -> dict[str, dict[str, str]]:
    """The convention table of design.md: row label -> backend column -> cell."""
    text = DESIGN.read_text(encoding="utf-8")
    section = text.split("## One house convention", 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows: dict[str, dict[str, str]] = {}
    for line in lines[2:]:
        label, *cells = (cell.strip() for cell in line.strip("|").split("|"))
        rows[label] = dict(zip(header[1:], cells, strict=True))
    return rows


def _expected_cells(spec: BackendSpec) -> dict[str, str]:
    """The table's cells that the spec of `spec` declares."""
    sync, asynchronous = spec.client_class(), spec.client_class(asynchronous=True)
    emulator = spec.emulator_factory()(0).state
    commands = ", ".join(
        f"`{c.resource} {verb}`"
        for c in spec.commands()
        for verb in ("list", *(("get",) if c.get else ()), *(("watch",) if c.changes else ()))
    )
    assert spec.airflow_hook is not None
    desk = load_object(spec.help_desk) if spec.help_desk else None
    return {
        "package, CLI, environment, sandbox name": f"`{spec.name}`, `{spec.env_prefix}*`",
        "clients": f"`{sync.__name__}`, `{asynchronous.__name__}`",
        "emulator, run by `Sandbox`": f"`{type(emulator).__name__}`",
        "CLI, `servicehub <name> …`": commands,
        "Airflow connection type, hook": (
            f"`{spec.airflow_conn_type}`, `{spec.airflow_hook.partition(':')[2]}`"
        ),
        "help desk (`HelpDesk(client)`), linked to as": f"`{desk.__name__}`" if desk else "—",
    }


def test_the_design_notes_convention_table_says_what_the_registry_says() -> None:
    table = _design_table()
    columns = list(next(iter(table.values())))
    assert sorted(columns) == sorted(BUILT_IN)
    for name in BUILT_IN:
        for label, expected in _expected_cells(servicehub_sdk.backends[name]).items():
            cell = table[label][name]
            # a cell may add a remark after a semicolon (SpiceCSM's `WebCallApp`)
            assert cell.split(";")[0].split(" (")[0] == expected, (label, name, cell)
