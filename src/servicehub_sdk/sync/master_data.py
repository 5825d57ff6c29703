"""Keep Secure Service Hub master data in step with the ERP, by external ID.

The run reads the hub once (service organisations, machine models, customers, machines),
plans every record against it, then writes in dependency order: machine models and customers
before the machines that refer to them. A bad record fails alone with its reason; the rest go
on. Everything is decided from the hub's current state, so a second run changes nothing and a
run after a crash picks up where the first stopped.

Record columns (CSV-style, flat):

- machine models: `external_id`, `model_name`, `technology`, `brand`;
- customers: `external_id`, `name`, `service_organisation` (its id or name), `country`,
  `state`, `city`, `postal_code`, `street`, `street2`;
- customer machines: `external_id`, `serial_number`, `customer_external_id`,
  `machine_model_external_id`, `edge_device_serial_number`, `is_sp1_migration`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from ..core.errors import RequestValidationError, ServiceHubError
from ..core.models import validate_input
from ..ssh import (
    AsyncSecureServiceHub,
    Customer,
    CustomerInput,
    CustomerMachine,
    CustomerMachineInput,
    CustomerUpdate,
    MachineModel,
    MachineModelInput,
    SecureServiceHub,
)
from ..ssh.customers import differences as customer_differences
from ._drive import maybe, run_sync
from .records import MasterData, load_master_data
from .report import RecordResult, SyncReport

__all__ = ["sync_master_data", "sync_master_data_async"]

MISSING_ORGANISATION = (
    "service_organisation is missing: add a service_organisation column, or pass "
    "service_organisation= (command line: --service-organisation)"
)

Hub = SecureServiceHub | AsyncSecureServiceHub
InputT = TypeVar("InputT", MachineModelInput, CustomerInput, CustomerMachineInput)


@dataclass
class _Step:
    kind: str
    key: str
    action: str  # "created" | "updated"
    send: Callable[[], Any]
    differences: list[str]


@dataclass
class _State:
    organisations: dict[str, str]  # id or name -> id
    models: dict[str, MachineModel]
    customers: dict[str, Customer]
    machines: dict[str, CustomerMachine]


def _truthy(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "y", "x")


async def _read_state(hub: Hub) -> _State:
    organisations = await maybe(hub.service_organisations.list().to_list())
    models = await maybe(hub.machine_models.list(page_size=200).to_list())
    customers = await maybe(hub.customers.list(page_size=200).to_list())
    machines = await maybe(hub.customer_machines.list(page_size=200).to_list())
    by_org: dict[str, str] = {}
    for org in organisations:
        by_org[org.id] = org.id
        if org.name:
            by_org.setdefault(org.name, org.id)
    return _State(
        organisations=by_org,
        models={m.external_id: m for m in models if m.external_id},
        customers={c.external_id: c for c in customers if c.external_id},
        machines={m.external_id: m for m in machines if m.external_id},
    )


def _key(row: dict[str, Any], index: int) -> str:
    return str(row.get("external_id") or row.get("externalId") or f"row {index + 1}")


def _failure(kind: str, key: str, reason: str) -> RecordResult:
    return RecordResult(kind=kind, key=key, action="failed", reason=reason)


def _validated(
    model: type[InputT], data: dict[str, Any], kind: str, key: str, report: SyncReport
) -> tuple[InputT, str] | None:
    """`model` from `data` and its external ID, or `None` after reporting why it fails."""
    try:
        wanted = validate_input(model, data)
    except RequestValidationError as exc:
        report.results.append(_failure(kind, key, exc.message))
        return None
    if not wanted.external_id:
        report.results.append(_failure(kind, key, "external_id is missing"))
        return None
    return wanted, wanted.external_id


def _plan_models(
    hub: Hub, rows: list[dict[str, Any]], state: _State, report: SyncReport
) -> list[_Step]:
    steps = []
    for index, row in enumerate(rows):
        key = _key(row, index)
        checked = _validated(
            MachineModelInput,
            {
                "external_id": row.get("external_id"),
                "model_name": row.get("model_name"),
                "technology": row.get("technology"),
                "brand": row.get("brand"),
            },
            "machine_model",
            key,
            report,
        )
        if checked is None:
            continue
        wanted, external_id = checked
        existing = state.models.get(external_id)
        if existing is not None:
            differs = [
                k
                for k, v in wanted.to_arguments().items()
                if existing.model_dump(by_alias=True).get(k) != v
            ]
            note = "the API cannot update machine models" if differs else None
            report.results.append(
                RecordResult(
                    kind="machine_model",
                    key=key,
                    action="unchanged",
                    reason=note,
                    differences=differs,
                )
            )
            continue
        steps.append(
            _Step("machine_model", key, "created", partial(hub.machine_models.create, wanted), [])
        )
    return steps


def _plan_customers(
    hub: Hub,
    rows: list[dict[str, Any]],
    state: _State,
    report: SyncReport,
    default_organisation: str | None,
) -> list[_Step]:
    steps = []
    for index, row in enumerate(rows):
        key = _key(row, index)
        organisation = str(
            row.get("service_organisation")
            or row.get("serviceOrganisation")
            or default_organisation
            or ""
        )
        if not organisation:
            report.results.append(_failure("customer", key, MISSING_ORGANISATION))
            continue
        org_id = state.organisations.get(organisation)
        if org_id is None:
            report.results.append(
                _failure("customer", key, f"unknown service organisation {organisation!r}")
            )
            continue
        address = {
            k: row.get(k) for k in ("country", "state", "city", "postal_code", "street", "street2")
        }
        checked = _validated(
            CustomerInput,
            {
                "name": row.get("name"),
                "external_id": row.get("external_id"),
                "service_organisation": org_id,
                "address": {k: (str(v) if v is not None else None) for k, v in address.items()},
            },
            "customer",
            key,
            report,
        )
        if checked is None:
            continue
        wanted, external_id = checked
        existing = state.customers.get(external_id)
        if existing is None:
            steps.append(
                _Step("customer", key, "created", partial(hub.customers.create, wanted), [])
            )
            continue
        changed = customer_differences(existing, wanted)
        if not changed:
            report.results.append(RecordResult(kind="customer", key=key, action="unchanged"))
            continue
        update = CustomerUpdate(
            external_id=external_id,
            name=wanted.name,
            service_organisation=wanted.service_organisation,
            address=wanted.address,
        )
        steps.append(
            _Step("customer", key, "updated", partial(hub.customers.update, update), changed)
        )
    return steps


def _plan_machines(
    hub: Hub,
    rows: list[dict[str, Any]],
    state: _State,
    report: SyncReport,
    pending: set[str],
    failed: set[str],
) -> list[_Step]:
    steps = []
    for index, row in enumerate(rows):
        key = _key(row, index)
        checked = _validated(
            CustomerMachineInput,
            {
                "external_id": row.get("external_id"),
                "serial_number": row.get("serial_number"),
                "customer_external_id": row.get("customer_external_id"),
                "machine_model_external_id": row.get("machine_model_external_id"),
                "edge_device_serial_number": row.get("edge_device_serial_number"),
                "is_sp1_migration": _truthy(row.get("is_sp1_migration")),
            },
            "customer_machine",
            key,
            report,
        )
        if checked is None:
            continue
        wanted, external_id = checked
        problem = None
        for kind, ref, known in (
            ("customer", wanted.customer_external_id, state.customers),
            ("machine model", wanted.machine_model_external_id, state.models),
        ):
            if f"{kind}:{ref}" in failed:
                problem = f"its {kind} {ref!r} failed in this run"
            elif ref not in known and f"{kind}:{ref}" not in pending:
                problem = f"unknown {kind} {ref!r}"
        if problem:
            report.results.append(_failure("customer_machine", key, problem))
            continue
        if external_id in state.machines:
            report.results.append(
                RecordResult(kind="customer_machine", key=key, action="unchanged")
            )
            continue
        steps.append(
            _Step(
                "customer_machine",
                key,
                "created",
                partial(hub.customer_machines.create, wanted),
                [],
            )
        )
    return steps


async def _execute(
    steps: list[_Step],
    report: SyncReport,
    *,
    dry_run: bool,
    concurrency: int | None,
    tick: Callable[[], None],
) -> set[str]:
    """Run the steps (all of them, bounded, when `concurrency` is set); return failed keys."""
    failed: set[str] = set()

    async def run(step: _Step) -> None:
        if dry_run:
            report.results.append(
                RecordResult(
                    kind=step.kind,
                    key=step.key,
                    action=step.action,
                    differences=step.differences,
                    reason="dry run",
                )
            )
            tick()
            return
        try:
            await maybe(step.send())
        except ServiceHubError as exc:
            failed.add(f"{step.kind.replace('_', ' ')}:{step.key}")
            note = (
                " (it may have been applied: a re-run will tell)"
                if exc.may_have_been_applied
                else ""
            )
            report.results.append(_failure(step.kind, step.key, f"{exc.message}{note}"))
        else:
            report.results.append(
                RecordResult(
                    kind=step.kind,
                    key=step.key,
                    action=step.action,
                    differences=step.differences,
                )
            )
        tick()

    if concurrency is None:
        for step in steps:
            await run(step)
    else:
        gate = asyncio.Semaphore(concurrency)

        async def bounded(step: _Step) -> None:
            async with gate:
                await run(step)

        await asyncio.gather(*(bounded(s) for s in steps))
    return failed


async def _sync(
    hub: Hub,
    source: Any,
    *,
    dry_run: bool,
    concurrency: int | None,
    progress: bool,
    service_organisation: str | None = None,
) -> SyncReport:
    data: MasterData = load_master_data(source)
    report = SyncReport(dry_run=dry_run)
    state = await _read_state(hub)
    bar: Any = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(data), unit="record")

    def tick() -> None:
        if bar is not None:
            bar.update(1)

    try:
        first = _plan_models(hub, data.machine_models, state, report) + _plan_customers(
            hub, data.customers, state, report, service_organisation
        )
        failed = await _execute(first, report, dry_run=dry_run, concurrency=concurrency, tick=tick)
        pending = {f"{s.kind.replace('_', ' ')}:{s.key}" for s in first}
        machines = _plan_machines(hub, data.customer_machines, state, report, pending, failed)
        await _execute(machines, report, dry_run=dry_run, concurrency=concurrency, tick=tick)
    finally:
        if bar is not None:
            bar.close()
    return report


def sync_master_data(
    hub: SecureServiceHub,
    source: Any,
    *,
    dry_run: bool = False,
    progress: bool = False,
    service_organisation: str | None = None,
) -> SyncReport:
    """Create or update machine models, customers and customer machines in the hub from
    `source` (files, DataFrames or dicts; see `load_master_data`), by external ID.

    Returns a `SyncReport`: per record `created`, `updated`, `unchanged` or `failed` with the
    reason. With `dry_run=True` nothing is written and the report shows the plan.
    `service_organisation` (an id or name) is used for customers that name none.
    """
    return run_sync(
        _sync(
            hub,
            source,
            dry_run=dry_run,
            concurrency=None,
            progress=progress,
            service_organisation=service_organisation,
        )
    )


async def sync_master_data_async(
    hub: AsyncSecureServiceHub,
    source: Any,
    *,
    dry_run: bool = False,
    concurrency: int = 8,
    progress: bool = False,
    service_organisation: str | None = None,
) -> SyncReport:
    """`sync_master_data` for the async client, writing up to `concurrency` records at once."""
    if concurrency < 1:
        raise RequestValidationError("concurrency must be at least 1")
    return await _sync(
        hub,
        source,
        dry_run=dry_run,
        concurrency=concurrency,
        progress=progress,
        service_organisation=service_organisation,
    )
