"""Which schema a client builds against: introspection once per client (also under
concurrency), pinning, refusal, the report, and the symmedia variant's answers read end to
end."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Any

import pytest

from servicehub_sdk.core import RequestValidationError, ResponseValidationError
from servicehub_sdk.ssh import AsyncSSHClient, SchemaReport, Severity, SSHClient
from servicehub_sdk.testing import EmulatorServer, Malformed, Sandbox, SSHEmulator
from tests.helpers import close, collect, resolve


def introspections(emulator: SSHEmulator) -> int:
    return sum("__schema" in query for query in emulator.requests)


def client(mode: str, config: dict[str, Any], **options: Any) -> Any:
    cls = SSHClient if mode == "sync" else AsyncSSHClient
    return cls(**config, **options)


def symmedia_sdl() -> str:
    package = resources.files("servicehub_sdk.testing._ssh")
    return package.joinpath("schema_symmedia.graphql").read_text()


def test_introspection_is_asked_once_by_concurrent_threads(
    config: dict[str, Any], emulator: SSHEmulator
) -> None:
    with SSHClient(**config) as hub, ThreadPoolExecutor(8) as pool:
        copy = hub.with_options(timeout=30)
        names = list(
            pool.map(
                lambda n: (hub if n % 2 else copy).customers.get(f"C-{10001 + n}").external_id,
                range(16),
            )
        )
        hub.service_cases.list().first()
    assert names == [f"C-{10001 + n}" for n in range(16)]
    assert introspections(emulator) == 1


async def test_introspection_is_asked_once_by_concurrent_tasks(
    config: dict[str, Any], emulator: SSHEmulator
) -> None:
    async with AsyncSSHClient(**config) as hub:
        found = await asyncio.gather(*(hub.customers.get(f"C-{10001 + n}") for n in range(16)))
        await hub.service_cases.list().first()
    assert [c.external_id for c in found] == [f"C-{10001 + n}" for n in range(16)]
    assert introspections(emulator) == 1


async def test_every_operation_works_on_both_variants_after_one_introspection(
    hub: Any, emulator: SSHEmulator, org_id: str
) -> None:
    assert len(await collect(hub.service_organisations.list())) == 3
    assert len(await collect(hub.machine_models.list(page_size=7))) == 40
    assert len(await collect(hub.service_cases.list(page_size=100))) == 300
    updated = await resolve(hub.customers.update({"externalId": "C-10002", "name": "Renamed"}))
    assert updated.name == "Renamed" and updated.address.country  # the address was kept
    assert introspections(emulator) == 0  # the fixture's client asked before the test


async def test_pinned_bundled_schema_asks_nothing(
    mode: str, config: dict[str, Any], emulator: SSHEmulator, variant: str
) -> None:
    hub = client(mode, config, schema="bundled")
    try:
        report = await resolve(hub.schema_report())
        assert report == SchemaReport("bundled", [])
        if variant == "document":
            assert len(await collect(hub.service_cases.list())) == 300
    finally:
        await close(hub)
    assert introspections(emulator) == 0


@pytest.mark.parametrize("variant", ["symmedia"])
async def test_pinned_sdl_is_used_without_asking(
    mode: str, config: dict[str, Any], emulator: SSHEmulator
) -> None:
    hub = client(mode, config, schema=symmedia_sdl())
    try:
        cases = await collect(hub.service_cases.list())
        assert len(cases) == 300 and all(isinstance(c.priority, int) for c in cases)
        report = await resolve(hub.schema_report())
        assert report.source == "pinned"
        assert "ServiceCase.priority: String here, Int live" in report.differences
    finally:
        await close(hub)
    assert introspections(emulator) == 0
    assert "pagination" not in emulator.requests[0]


@pytest.mark.parametrize("variant", ["document"])
async def test_refused_introspection_falls_back_to_the_bundled_schema(
    mode: str, config: dict[str, Any], server: EmulatorServer
) -> None:
    emulator: SSHEmulator = server.app  # type: ignore[assignment]
    emulator.rules = SSHEmulator(variant="document", introspection=False).rules
    hub = client(mode, config)
    try:
        assert len(await collect(hub.service_organisations.list())) == 3
        await resolve(hub.customers.get("C-10001"))
        report = await resolve(hub.schema_report())
    finally:
        await close(hub)
    assert report == SchemaReport("bundled (introspection refused)", [])
    assert introspections(emulator) == 1


@pytest.mark.parametrize("variant", ["symmedia"])
async def test_differences_are_reported_and_logged_once(
    mode: str, config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="servicehub_sdk.ssh")
    hub = client(mode, config)
    try:
        await collect(hub.service_cases.list())
        await collect(hub.service_organisations.list())
        report = await resolve(hub.schema_report())
    finally:
        await close(hub)
    assert report.source == "live"
    for expected in (
        "Query.serviceOrganisationsPaginated(options:): not in the live schema",
        "ServiceCaseOptions.pagination: not in the live schema",
        "MachineModelOptions.pagination: not in the live schema",
        "ServiceCase.priority: String here, Int live",
        "CustomField.key: not in the live schema",
        "Mutation.updateCustomer(id:): required live, not bundled",
    ):
        assert expected in report.differences
    warnings = [r for r in caplog.records if "differs from the bundled" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.parametrize("variant", ["document"])
async def test_the_document_variant_reports_no_difference(hub: Any) -> None:
    assert await resolve(hub.schema_report()) == SchemaReport("live", [])


async def test_a_proxy_page_instead_of_the_schema_is_raised_and_asked_again(
    mode: str, config: dict[str, Any], server: EmulatorServer, emulator: SSHEmulator
) -> None:
    server.faults.add(Malformed("<html>502</html>", content_type="text/html"), path="/graphql")
    hub = client(mode, config, max_retries=0)
    try:
        with pytest.raises(ResponseValidationError):
            await resolve(hub.customers.get("C-10001"))
        assert (await resolve(hub.customers.get("C-10001"))).external_id == "C-10001"
        assert (await resolve(hub.schema_report())).source == "live"
    finally:
        await close(hub)
    # The proxy answered the first question; the emulator saw the second.
    assert introspections(emulator) == 1
    assert server.requests("POST", "/graphql") == 1 + 1 + 1


@pytest.mark.parametrize("variant", ["symmedia"])
async def test_symmedia_answers_are_read(hub: Any, emulator: SSHEmulator) -> None:
    cases = await collect(hub.service_cases.list())
    assert {c.priority for c in cases} <= {1, 2, 3, 4}
    case = next(c for c in cases if c.custom_fields)
    assert {f.key for f in case.custom_fields} == {"errorCode", "operatingHours"}
    assert case.custom_fields[0].definition is not None
    assert case.model_extra["__typename"] == "ServiceCase"
    assert isinstance(case.severity, Severity)
    customer = await resolve(hub.customers.get("C-10001"))
    assert customer.model_extra["__typename"] == "Customer"
    assert all('"__typename"' not in query for query in emulator.requests)


def test_the_sandbox_serves_the_symmedia_variant() -> None:
    options = {"ssh": {"variant": "symmedia", "introspection": True}}
    with Sandbox(["ssh"], emulator_options=options) as sandbox, sandbox.ssh_client() as hub:
        case = hub.service_cases.list().first()
        assert case is not None and isinstance(case.priority, int)
        assert hub.schema_report().source == "live"


async def test_find_asks_the_lookup_query_where_the_schema_has_one(
    hub: Any, emulator: SSHEmulator, variant: str
) -> None:
    model = await resolve(hub.machine_models.find("MAT-200003"))
    machine = await resolve(hub.customer_machines.find("EQ-300007"))
    assert model is not None and model.external_id == "MAT-200003"
    assert machine is not None and machine.external_id == "EQ-300007"
    assert await resolve(hub.machine_models.find("MAT-NOPE")) is None
    roots = [query.split("(")[0].split()[-1] for query in emulator.requests]
    if variant == "symmedia":
        assert roots == ["machineModel", "customerMachine", "machineModel"]
    else:
        assert set(roots) == {"machineModelsPaginated", "customerMachinesPaginated"}


@pytest.mark.parametrize("variant", ["document"])
def test_a_pinned_schema_that_is_no_sdl_is_a_configuration_error(config: dict[str, Any]) -> None:
    from servicehub_sdk.core import ConfigurationError

    with pytest.raises(ConfigurationError, match="not GraphQL SDL"):
        SSHClient(**config, schema="type Query {")


async def test_a_schema_without_the_operations_field_is_an_sdk_error_naming_it(
    mode: str, config: dict[str, Any], emulator: SSHEmulator
) -> None:
    sdl = symmedia_sdl().replace("customersPaginated", "customersElsewhere")
    hub = client(mode, config, schema=sdl)
    sent = len(emulator.requests)
    try:
        with pytest.raises(RequestValidationError) as caught:
            await collect(hub.customers.list())
    finally:
        await close(hub)
    message = str(caught.value)
    assert "customersPaginated" in message
    assert "schema_report()" in message
    assert not isinstance(caught.value, KeyError)
    assert len(emulator.requests) == sent  # refused before anything was sent


async def test_clients_given_the_same_schema_share_one_plan(
    mode: str, config: dict[str, Any], emulator: SSHEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    import graphql

    from servicehub_sdk.ssh import _schemas

    monkeypatch.setattr(_schemas, "_live_plans", {})
    built: list[object] = []
    build = graphql.build_client_schema
    monkeypatch.setattr(
        graphql, "build_client_schema", lambda data: built.append(data) or build(data)
    )
    reports = []
    for _ in range(3):
        hub = client(mode, config)
        try:
            assert (await resolve(hub.customers.get("C-10001"))).external_id == "C-10001"
            reports.append(await resolve(hub.schema_report()))
        finally:
            await close(hub)
    assert introspections(emulator) == 3  # every client still asks its server
    assert len(built) == 1
    assert reports[0].source == "live" and reports[0] == reports[1] == reports[2]


def test_live_plans_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from servicehub_sdk.ssh import _schemas
    from servicehub_sdk.ssh._graphql import bundled_plan

    monkeypatch.setattr(_schemas, "_live_plans", {})
    plan = bundled_plan()
    for n in range(_schemas.LIVE_PLANS_KEPT + 3):
        assert _schemas._keep_plan(b"answer %d" % n, plan) is plan
    assert len(_schemas._live_plans) <= _schemas.LIVE_PLANS_KEPT
    assert _schemas._known_plan(b"answer 0") is None
