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

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..core._errors import RequestValidationError, ServiceHubError
from ..core._flows import Steps, listing, run_steps, run_steps_async, step, together
from ..core._models import validate_input, validate_inputs
from ..ssh import (
    AsyncSSHClient,
    Customer,
    CustomerInput,
    CustomerMachine,
    CustomerMachineInput,
    CustomerUpdate,
    MachineModel,
    MachineModelInput,
    SSHClient,
)
from ..ssh._batch import (
    DEFAULT_BATCH_SIZE,
    BatchResult,
    BatchResults,
    created_id,
    plan_of,
    send_printed,
)
from ..ssh._customer_machines import CustomerMachines, create_machine_returning_id
from ..ssh._customers import Customers, create_customer_returning_id
from ..ssh._customers import differences as customer_differences
from ..ssh._graphql import FieldRequest, Plan, PrintedField
from ..ssh._machine_models import MachineModels, create_model_returning_id
from ..ssh._service_organisations import ServiceOrganisations
from ._export_diff import (
    DEFAULT_EXPORT_NAME,
    AsyncExportState,
    ExportState,
    sync_export_changes,
    sync_export_changes_async,
)
from ._mapping import ExportMapping
from ._records import MasterData, load_master_data
from ._report import Action, RecordResult, SyncReport

__all__ = ["sync_master_data", "sync_master_data_async"]

MISSING_ORGANISATION = (
    "service_organisation is missing: add a service_organisation column, or pass "
    "service_organisation= (command line: --service-organisation)"
)

Hub = SSHClient | AsyncSSHClient
InputT = TypeVar("InputT", MachineModelInput, CustomerInput, CustomerMachineInput)
Send = Callable[[list["_Write"], int], Steps[BatchResults[Any]]]
"""Sends planned writes of one kind and action, `batch_size` per document."""

CREATED_BY = {
    "machine_model": "createMachineModel",
    "customer": "createCustomer",
    "customer_machine": "createCustomerMachine",
}
"""The mutation that creates a record of each kind."""


def _sender(hub: Hub, kind: str, action: Action) -> Send:
    """What sends planned writes of `kind`: creates as printed while planning (each answered
    with the new record's `id` only), customer updates by `Customers.update_many`."""

    def send(writes: list[_Write], size: int) -> Steps[BatchResults[Any]]:
        results: BatchResults[Any]
        if action == "updated":
            updates = [write.payload for write in writes]
            results = yield from step(
                Customers.update_many, hub.customers, updates, batch_size=size
            )
            return results
        field = CREATED_BY[kind]
        fields = [PrintedField("mutation", field, write.payload, created_id) for write in writes]
        keys = [write.key for write in writes]
        results = yield from step(send_printed, hub.customers, fields, keys, batch_size=size)
        return results

    return send


def _printed(
    request: FieldRequest[Any], plan: Plan, kind: str, key: str, report: SyncReport
) -> str | None:
    """The text of `request` printed against `plan`, or `None` after reporting why the
    schema refuses it."""
    try:
        return request.text(plan)
    except ServiceHubError as exc:
        report.results.append(_failure(kind, key, exc.message))
        return None


@dataclass(slots=True)
class _Write:
    kind: str
    key: str
    action: Action  # "created" | "updated": with `kind`, which operation sends it
    send: Send
    payload: Any  # a create: its field printed against the plan; an update: a `CustomerUpdate`
    differences: Sequence[str]  # `()` for a create
    refers_to: tuple[str, ...] = ()  # the records it needs written first, in `ref`'s form
    ref: str = field(init=False)  # the record itself as `kind:key`
    after: tuple[int, ...] = ()  # the documents it waits for (machines: those writing `refers_to`)
    external_id: str | None = None  # a machine's own

    def __post_init__(self) -> None:
        self.ref = f"{self.kind.replace('_', ' ')}:{self.key}"


@dataclass
class _State:
    organisations: dict[str, str]  # id or name -> id
    models: dict[str, MachineModel]
    customers: dict[str, Customer]
    machines: dict[str, CustomerMachine]


ADDRESS_COLUMNS = ("country", "state", "city", "postal_code", "street", "street2")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _truthy(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "y", "x")


def _read_state(hub: Hub) -> Steps[_State]:
    organisations = yield from listing(
        ServiceOrganisations.list, hub.service_organisations
    ).to_list()
    models = yield from listing(MachineModels.list, hub.machine_models, page_size=200).to_list()
    customers = yield from listing(Customers.list, hub.customers, page_size=200).to_list()
    machines = yield from listing(
        CustomerMachines.list, hub.customer_machines, page_size=200
    ).to_list()
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
    model: type[InputT],
    data: dict[str, Any],
    kind: str,
    key: str,
    report: SyncReport,
    valid: InputT | None = None,
) -> tuple[InputT, str] | None:
    """`model` from `data` (`valid` when already validated) and its external ID, or `None`
    after reporting why it fails."""
    try:
        wanted = valid if valid is not None else validate_input(model, data)
    except RequestValidationError as exc:
        report.results.append(_failure(kind, key, exc.message))
        return None
    if not wanted.external_id:
        report.results.append(_failure(kind, key, "external_id is missing"))
        return None
    return wanted, wanted.external_id


VALIDATED_TOGETHER = 100
"""Rows validated in one pydantic-core pass: few enough that their input dicts are gone
before the garbage collector would move them to its oldest generation."""


def _validated_rows(
    model: type[InputT], rows: list[dict[str, Any]], wanted: Callable[[dict[str, Any]], Any]
) -> Iterator[tuple[Any, InputT | None]]:
    """Per row, in order: `wanted(row)` (the data to validate, or the text of why the row
    fails before validation) and the model validated from it. `VALIDATED_TOGETHER` rows go
    through pydantic-core at once; where one of them is invalid, their models are `None` and
    `_validated` checks each on its own, for its own message."""
    for start in range(0, len(rows), VALIDATED_TOGETHER):
        data = [wanted(row) for row in rows[start : start + VALIDATED_TOGETHER]]
        given = [item for item in data if isinstance(item, dict)]
        try:
            valid = validate_inputs(model, given)
        except RequestValidationError:
            valid = None
        del given
        # handed out last to first, each let go of as it goes: a row's data and model are
        # garbage once used, not kept until the whole slice is
        data.reverse()
        if valid is not None:
            valid.reverse()
        while data:
            item = data.pop()
            yield item, (valid.pop() if valid is not None and isinstance(item, dict) else None)


def _plan_models(
    hub: Hub, plan: Plan, rows: list[dict[str, Any]], state: _State, report: SyncReport
) -> list[_Write]:
    steps = []
    send = _sender(hub, "machine_model", "created")

    def wanted_model(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "external_id": row.get("external_id"),
            "model_name": row.get("model_name"),
            "technology": row.get("technology"),
            "brand": row.get("brand"),
        }

    checks = _validated_rows(MachineModelInput, rows, wanted_model)
    for index, (row, (data, valid)) in enumerate(zip(rows, checks, strict=True)):
        key = _key(row, index)
        checked = _validated(MachineModelInput, data, "machine_model", key, report, valid)
        if checked is None:
            continue
        wanted, external_id = checked
        existing = state.models.get(external_id)
        if existing is not None:
            differs = [
                k
                for k, v in wanted.to_wire().items()
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
        printed = _printed(
            create_model_returning_id(wanted.to_wire()), plan, "machine_model", key, report
        )
        if printed is not None:
            steps.append(_Write("machine_model", key, "created", send, printed, ()))
    return steps


def _plan_customers(
    hub: Hub,
    plan: Plan,
    rows: list[dict[str, Any]],
    state: _State,
    report: SyncReport,
    default_organisation: str | None,
) -> list[_Write]:
    steps = []
    send_create = _sender(hub, "customer", "created")
    send_update = _sender(hub, "customer", "updated")

    def wanted_customer(row: dict[str, Any]) -> dict[str, Any] | str:
        organisation = str(
            row.get("service_organisation")
            or row.get("serviceOrganisation")
            or default_organisation
            or ""
        )
        if not organisation:
            return MISSING_ORGANISATION
        org_id = state.organisations.get(organisation)
        if org_id is None:
            return f"unknown service organisation {organisation!r}"
        return {
            "name": row.get("name"),
            "external_id": row.get("external_id"),
            "service_organisation": org_id,
            "address": {k: _text(row.get(k)) for k in ADDRESS_COLUMNS},
        }

    checks = _validated_rows(CustomerInput, rows, wanted_customer)
    for index, (row, (data, valid)) in enumerate(zip(rows, checks, strict=True)):
        key = _key(row, index)
        if isinstance(data, str):
            report.results.append(_failure("customer", key, data))
            continue
        checked = _validated(CustomerInput, data, "customer", key, report, valid)
        if checked is None:
            continue
        wanted, external_id = checked
        existing = state.customers.get(external_id)
        if existing is None:
            request = create_customer_returning_id(wanted.to_wire())
            printed = _printed(request, plan, "customer", key, report)
            if printed is not None:
                steps.append(_Write("customer", key, "created", send_create, printed, ()))
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
        steps.append(_Write("customer", key, "updated", send_update, update, changed))
    return steps


def _plan_machines(
    hub: Hub,
    plan: Plan,
    rows: list[dict[str, Any]],
    state: _State,
    report: SyncReport,
    pending: set[str],
) -> list[_Write]:
    """The machines to decide as their customer and machine model are written: those that
    refer to a record written in this run (`pending`) wait for it (see `_machine_decision`);
    the others are reported here, or planned as creates."""
    steps = []
    send = _sender(hub, "customer_machine", "created")

    def wanted_machine(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "external_id": row.get("external_id"),
            "serial_number": row.get("serial_number"),
            "customer_external_id": row.get("customer_external_id"),
            "machine_model_external_id": row.get("machine_model_external_id"),
            "edge_device_serial_number": row.get("edge_device_serial_number"),
            "is_sp1_migration": _truthy(row.get("is_sp1_migration")),
        }

    checks = _validated_rows(CustomerMachineInput, rows, wanted_machine)
    for index, (row, (data, valid)) in enumerate(zip(rows, checks, strict=True)):
        key = _key(row, index)
        checked = _validated(CustomerMachineInput, data, "customer_machine", key, report, valid)
        if checked is None:
            continue
        wanted, external_id = checked
        request = create_machine_returning_id(wanted.to_wire(), "object")
        printed = _printed(request, plan, "customer_machine", key, report)
        if printed is None:
            continue
        write = _Write(
            "customer_machine",
            key,
            "created",
            send,
            printed,
            (),
            _references(wanted),
            external_id=external_id,
        )
        if not pending.isdisjoint(write.refers_to):
            steps.append(write)
            continue
        decided = _machine_decision(write, state, pending, set())
        if decided is None:
            steps.append(write)
        else:
            report.results.append(decided)
    return steps


def _references(machine: CustomerMachineInput) -> tuple[str, str]:
    """The records a machine refers to, as `kind:external ID`: its customer, then its machine
    model."""
    return (
        f"customer:{machine.customer_external_id}",
        f"machine model:{machine.machine_model_external_id}",
    )


def _machine_decision(
    write: _Write, state: _State, pending: set[str], failed: set[str]
) -> RecordResult | None:
    """The report row of a machine that is not to be created (its customer or machine model
    is unknown or failed in this run, or the machine exists), or `None` to create it."""
    problem = None
    known_ids: tuple[dict[str, Any], ...] = (state.customers, state.models)
    for reference, known in zip(write.refers_to, known_ids, strict=True):
        kind, _, ref = reference.partition(":")
        if reference in failed:
            problem = f"its {kind} {ref!r} failed in this run"
        elif ref not in known and reference not in pending:
            problem = f"unknown {kind} {ref!r}"
    if problem:
        return _failure("customer_machine", write.key, problem)
    if write.external_id in state.machines:
        return RecordResult(kind="customer_machine", key=write.key, action="unchanged")
    return None


def _outcome(write: _Write, result: BatchResult[Any]) -> RecordResult:
    """The report row of a write from its result in the batch."""
    if result.status in ("ok", "applied"):
        note = None
        if result.status == "applied":
            note = "applied; the answer carried no result, as another record of its batch failed"
        if write.differences:
            return RecordResult(
                kind=write.kind,
                key=write.key,
                action=write.action,
                differences=write.differences,
                reason=note,
            )
        return RecordResult(kind=write.kind, key=write.key, action=write.action, reason=note)
    error = result.error
    message = error.message if error is not None else result.status
    if result.status == "not_run":
        message += " (not sent: a re-run will send it)"
    elif result.may_have_been_applied:
        message += " (it may have been applied: a re-run will tell)"
    return _failure(write.kind, write.key, message)


def _chunks(steps: list[_Write], size: int) -> list[list[_Write]]:
    """The steps in runs of one operation, at most `size` each, in order."""
    chunks: list[list[_Write]] = []
    for planned in steps:
        last = chunks[-1][-1] if chunks else None
        same = last is not None and (last.kind, last.action) == (planned.kind, planned.action)
        if same and len(chunks[-1]) < size:
            chunks[-1].append(planned)
        else:
            chunks.append([planned])
    return chunks


def _execute(
    first: list[_Write],
    machines: list[_Write],
    report: SyncReport,
    state: _State,
    *,
    dry_run: bool,
    concurrency: int | None,
    batch_size: int,
    progress: Callable[[int], None],
) -> Steps[None]:
    """Send the writes, `batch_size` per document (up to `concurrency` documents at once when
    set): machine models and customers (`first`), then the machines.

    A document of machines starts as soon as the documents that write their customers and
    machine models are done, not after the last of them (without `concurrency`, the sync
    driver sends one document after another, in that order). Just before it is sent, each
    of its machines is checked against the writes that failed: those whose customer or
    machine model failed are reported instead of sent."""
    failed: set[str] = set()
    pending = {write.ref for write in first}

    def run(chunk: list[_Write], checked: bool) -> Steps[None]:
        if checked:
            chunk = to_send(chunk)
        if not chunk:
            return
        if dry_run:
            results = [
                RecordResult(
                    kind=write.kind,
                    key=write.key,
                    action=write.action,
                    differences=write.differences,
                    reason="dry run",
                )
                for write in chunk
            ]
        else:
            batch = yield from chunk[0].send(chunk, batch_size)
            results = [_outcome(write, result) for write, result in zip(chunk, batch, strict=True)]
        for write, result in zip(chunk, results, strict=True):
            if result.action == "failed":
                failed.add(write.ref)
        report.results.extend(results)
        progress(len(results))

    def to_send(chunk: list[_Write]) -> list[_Write]:
        """The machines of `chunk` to send, after reporting those not to be."""
        sending = []
        for write in chunk:
            decided = _machine_decision(write, state, pending, failed)
            if decided is None:
                sending.append(write)
            else:
                report.results.append(decided)
                progress(1)
        return sending

    first_chunks = _chunks(first, batch_size)
    written_in: dict[str, int] = {}  # the document writing each record
    written_again: dict[str, set[int]] = {}  # all of them, for a record written twice
    for index, chunk in enumerate(first_chunks):
        for write in chunk:
            ref = write.ref
            if written_in.setdefault(ref, index) != index:
                written_again.setdefault(ref, {written_in[ref]}).add(index)

    for write in machines:
        found: set[int] = set()
        for ref in write.refers_to:
            if ref in written_again:
                found |= written_again[ref]
            elif ref in written_in:
                found.add(written_in[ref])
        write.after = tuple(found)

    ready = sorted(machines, key=lambda write: max(write.after, default=-1))
    machine_chunks = _chunks(ready, batch_size)
    after: list[tuple[int, ...]] = [()] * len(first_chunks)
    for chunk in machine_chunks:
        after.append(tuple(sorted(set().union(*(write.after for write in chunk)))))
    flows = [run(chunk, False) for chunk in first_chunks]
    flows += [run(chunk, True) for chunk in machine_chunks]
    # the flows share only the report and `failed` (appends and lookups) and the hub client
    yield from together(flows, concurrency, after=after, threads=True)


def _sync(
    hub: Hub,
    source: Any,
    *,
    dry_run: bool,
    concurrency: int | None,
    progress: bool,
    batch_size: int,
    service_organisation: str | None = None,
) -> Steps[SyncReport]:
    if batch_size < 1:
        raise RequestValidationError("batch_size must be at least 1")
    data: MasterData = load_master_data(source)
    report = SyncReport(dry_run=dry_run)
    state = yield from _read_state(hub)
    plan = yield from step(plan_of, hub.customers)  # known by now: the reads above used it
    bar: Any = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(data), unit="record")

    def advance(done: int) -> None:
        if bar is not None:
            bar.update(done)

    try:
        first = _plan_models(hub, plan, data.machine_models, state, report) + _plan_customers(
            hub, plan, data.customers, state, report, service_organisation
        )
        pending = {write.ref for write in first}
        machines = _plan_machines(hub, plan, data.customer_machines, state, report, pending)
        advance(len(report.results))  # the rows decided while planning
        yield from _execute(
            first,
            machines,
            report,
            state,
            dry_run=dry_run,
            concurrency=concurrency,
            batch_size=batch_size,
            progress=advance,
        )
    finally:
        if bar is not None:
            bar.close()
    return report


def sync_master_data(
    hub: SSHClient,
    source: Any,
    *,
    dry_run: bool = False,
    progress: bool = False,
    service_organisation: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    concurrency: int = 1,
    mapping: ExportMapping | None = None,
    export_state: ExportState | None = None,
    export_name: str = DEFAULT_EXPORT_NAME,
) -> SyncReport:
    """Create or update machine models, customers and customer machines in the hub from
    `source` (files, DataFrames or dicts; see `load_master_data`), by external ID.

    Returns a `SyncReport`: per record `created`, `updated`, `unchanged` or `failed` with the
    reason. With `dry_run=True` nothing is written and the report shows the plan.
    `service_organisation` (an id or name) is used for customers that name none.

    Writes go out `batch_size` per GraphQL document (machine models and customers first,
    then the machines that refer to them: a document of machines goes out once the
    documents writing their customers and machine models are done); a server that refuses
    large documents gets smaller ones (see "Batches" in the Secure Service Hub docs). With
    `concurrency` above 1, up to that many documents are in flight at once, each sent from
    a thread of its own (the export state is read and written only before and after, in
    the caller's thread).

    The report's rows come in this order: records that fail their checks or need no write,
    as they are planned; then the written records as their documents are answered. A
    machine whose customer or machine model failed in this run is reported when its
    document would go out.

    `mapping` (an `ExportMapping`) reads the ERP's own column names and values; the whole
    source is mapped and checked before the hub is read. With `export_state` (what
    `journal=` takes: a SQLite path, a `postgresql://` URL or an opened store) the run
    sends only the records new or changed since the previous export kept there under
    `export_name`, and reports those gone from it as `gone` (left in the hub).
    """
    if concurrency < 1:
        raise RequestValidationError("concurrency must be at least 1")
    data = load_master_data(source, mapping=mapping)

    def sync(records: MasterData) -> SyncReport:
        return run_steps(
            _sync(
                hub,
                records,
                dry_run=dry_run,
                concurrency=concurrency,
                progress=progress,
                batch_size=batch_size,
                service_organisation=service_organisation,
            )
        )

    if export_state is None:
        return sync(data)
    return sync_export_changes(
        export_state,
        export_name,
        data,
        dry_run=dry_run,
        default_organisation=service_organisation,
        sync=sync,
    )


async def sync_master_data_async(
    hub: AsyncSSHClient,
    source: Any,
    *,
    dry_run: bool = False,
    concurrency: int = 8,
    progress: bool = False,
    service_organisation: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    mapping: ExportMapping | None = None,
    export_state: AsyncExportState | None = None,
    export_name: str = DEFAULT_EXPORT_NAME,
) -> SyncReport:
    """`sync_master_data` for the async client, with up to `concurrency` documents of
    `batch_size` writes in flight at once; documents of machines start while later
    customers are still in flight, as soon as their own customers and machine models are
    written."""
    if concurrency < 1:
        raise RequestValidationError("concurrency must be at least 1")
    data = load_master_data(source, mapping=mapping)

    async def sync(records: MasterData) -> SyncReport:
        return await run_steps_async(
            _sync(
                hub,
                records,
                dry_run=dry_run,
                concurrency=concurrency,
                progress=progress,
                batch_size=batch_size,
                service_organisation=service_organisation,
            )
        )

    if export_state is None:
        return await sync(data)
    return await sync_export_changes_async(
        export_state,
        export_name,
        data,
        dry_run=dry_run,
        default_organisation=service_organisation,
        sync=sync,
    )
