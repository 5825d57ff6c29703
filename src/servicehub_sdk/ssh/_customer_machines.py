"""`hub.customer_machines`: list, create and upsert customer machines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import Any, ClassVar, Literal, Unpack

from ..core._changes import Change, change_of, mapped_pages
from ..core._client import (
    M,
    Resource,
    operation,
    paged,
)
from ..core._errors import RequestValidationError
from ..core._models import validate_input
from ..core._pagination import Page
from ..core._request import CallOptions, Flow, ListOptions, Step
from ._batch import (
    DEFAULT_BATCH_SIZE,
    BatchResults,
    checked,
    created_id,
    run_many,
)
from ._context import SSHContext
from ._graphql import FieldRequest, graphql_call
from ._lookup import (
    create_missing,
    create_or_report,
    find_by_external_id,
    find_many_by_external_id,
)
from ._models import CustomerMachine, CustomerMachineInput, UpsertResult

__all__ = ["CustomerMachines", "MachineShape"]

MachineShape = Literal["object", "flat"]
LOOKUP_PAGE_SIZE = 200


def list_machines(context: SSHContext, page_size: int) -> Step[Page[CustomerMachine]]:
    return context.listing(
        "customerMachinesPaginated", "CustomerMachine", CustomerMachine, page_size=page_size
    )


def create_machine(
    machine: CustomerMachineInput, shape: MachineShape
) -> FieldRequest[CustomerMachine]:
    return graphql_call(
        "mutation",
        "createCustomerMachine",
        _creation_arguments(machine.to_wire(), shape),
        "CustomerMachine",
        lambda value, _: CustomerMachine.model_validate(value),
    )


def create_machine_returning_id(wire: Mapping[str, Any], shape: MachineShape) -> FieldRequest[str]:
    """`createCustomerMachine(...) { id externalId }` for a machine's wire form, read as the
    new machine's id."""
    return graphql_call(
        "mutation", "createCustomerMachine", _creation_arguments(wire, shape), "Created", created_id
    )


def _creation_arguments(wire: Mapping[str, Any], shape: MachineShape) -> Mapping[str, Any]:
    """`createCustomerMachine`'s arguments for a machine's wire form: one `customerMachine`
    object, or its fields as arguments of their own (`flat`)."""
    if shape not in ("object", "flat"):
        raise RequestValidationError("shape must be 'object' or 'flat'")
    return {"customerMachine": wire} if shape == "object" else wire


def _differences(existing: CustomerMachine, wanted: CustomerMachineInput) -> list[str]:
    current = {
        "serialNumber": existing.serial_number,
        "edgeDeviceSerialNumber": existing.edge_device_serial_number,
        "isSp1Migration": existing.is_sp1_migration,
        "customer": existing.customer.external_id if existing.customer else None,
        "machineModel": existing.machine_model.external_id if existing.machine_model else None,
    }
    wanted_values = {
        "serialNumber": wanted.serial_number,
        "edgeDeviceSerialNumber": wanted.edge_device_serial_number,
        "isSp1Migration": wanted.is_sp1_migration,
        "customer": wanted.customer_external_id,
        "machineModel": wanted.machine_model_external_id,
    }
    return [k for k, v in wanted_values.items() if v is not None and current[k] != v]


def find_machine(context: SSHContext, external_id: str) -> Flow[CustomerMachine | None]:
    return (
        yield from find_by_external_id(
            context,
            list_machines(context, LOOKUP_PAGE_SIZE),
            external_id,
            lookup=("customerMachine", "CustomerMachine", CustomerMachine),
        )
    )


def find_machines(
    context: SSHContext, external_ids: list[str], batch_size: int
) -> Flow[BatchResults[CustomerMachine | None]]:
    return (
        yield from find_many_by_external_id(
            context,
            list_machines(context, LOOKUP_PAGE_SIZE),
            external_ids,
            lookup=("customerMachine", "CustomerMachine", CustomerMachine),
            batch_size=batch_size,
        )
    )


MachineData = CustomerMachineInput | Mapping[str, Any]


class CustomerMachines(Resource[M, SSHContext]):
    """Customer machines (`customerMachinesPaginated`, `createCustomerMachine`)."""

    _change_model: ClassVar[type[CustomerMachine]] = CustomerMachine

    @paged
    def changes(
        self,
        *,
        since: datetime | None = None,
        page_size: int = 100,
        **options: Unpack[ListOptions],
    ) -> Step[Page[Change[CustomerMachine]]]:
        """Every customer machine as a `created` change (`customerMachinesPaginated`, one request per
        `page_size`).

        Customer machines carry no modification time, so alone this cannot tell what changed
        since a time: `since` raises `RequestValidationError`. A `ChangeFeed` over it
        compares each scan with the fingerprints of the previous one and is exact.
        """
        if since is not None:
            raise RequestValidationError(
                "customer machines carry no modification time: follow them with a ChangeFeed"
            )
        return mapped_pages(list_machines(self._context, page_size), partial(change_of, since=None))

    @paged
    def list(
        self, *, page_size: int = 100, **options: Unpack[ListOptions]
    ) -> Step[Page[CustomerMachine]]:
        """Every customer machine, page by page (`customerMachinesPaginated`)."""
        return list_machines(self._context, page_size)

    @operation
    def find(
        self, external_id: str, **options: Unpack[CallOptions]
    ) -> Flow[CustomerMachine | None]:
        """The customer machine with this external ID, or `None`.

        Asks `customerMachine(externalId:)` where the schema has it; the vendor document has
        no such query, so there this reads the listing.
        """
        return (yield from find_machine(self._context, external_id))

    @operation
    def create(
        self,
        machine: CustomerMachineInput | Mapping[str, Any],
        *,
        shape: MachineShape = "object",
        **options: Unpack[CallOptions],
    ) -> Flow[CustomerMachine]:
        """Create a customer machine (`createCustomerMachine`). Not retried once sent.

        The vendor document shows two forms of this mutation: one input object
        (`customerMachine: {...}`, `shape="object"`, the default: it is the form the document
        presents first and the one its input rules describe) and flat arguments
        (`shape="flat"`, the document's alternative). Both carry the same fields.
        """
        wanted = validate_input(CustomerMachineInput, machine)
        return self._context.send(create_machine(wanted, shape))

    @operation
    def upsert(
        self,
        machine: CustomerMachineInput | Mapping[str, Any],
        *,
        shape: MachineShape = "object",
        **options: Unpack[CallOptions],
    ) -> Flow[UpsertResult[CustomerMachine]]:
        """Create the machine unless one with its external ID exists.

        The API offers no update of machines: an existing one is left as it is and reported
        `unchanged` when it is as asked for, else `differs`, with the fields that differ in
        `differences` (nothing is changed).
        """
        wanted = validate_input(CustomerMachineInput, machine)
        if not wanted.external_id:
            raise RequestValidationError("upsert needs the machine's external_id")
        context = self._context
        return (
            yield from create_or_report(
                context,
                wanted,
                find=lambda external_id: find_machine(context, external_id),
                create=lambda machine: create_machine(machine, shape),
                differences=_differences,
            )
        )

    @operation
    def find_many(
        self,
        external_ids: Iterable[str],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        **options: Unpack[CallOptions],
    ) -> Flow[BatchResults[CustomerMachine | None]]:
        """Look machines up by external ID: `batch_size` `customerMachine(externalId:)`
        lookups per document where the schema has that query, else one read of the listing.

        Returns one `BatchResult` per external ID, in order; `value` is `None` where there
        is no such machine.
        """
        ids = [str(external_id) for external_id in external_ids]
        return (yield from find_machines(self._context, ids, batch_size))

    @operation
    def create_many(
        self,
        machines: Iterable[MachineData],
        *,
        shape: MachineShape = "object",
        batch_size: int = DEFAULT_BATCH_SIZE,
        **options: Unpack[CallOptions],
    ) -> Flow[BatchResults[CustomerMachine]]:
        """Create customer machines, `batch_size` `createCustomerMachine` mutations per
        document (`shape` as for `create`).

        Returns one `BatchResult` per machine, in order. Documents that may have reached the
        server are never sent again.
        """
        return (
            yield from run_many(
                self._context,
                CustomerMachineInput,
                machines,
                lambda machine: create_machine(machine, shape),
                batch_size,
            )
        )

    @operation
    def upsert_many(
        self,
        machines: Iterable[MachineData],
        *,
        shape: MachineShape = "object",
        batch_size: int = DEFAULT_BATCH_SIZE,
        **options: Unpack[CallOptions],
    ) -> Flow[BatchResults[UpsertResult[CustomerMachine]]]:
        """`upsert` for many machines: one `find_many`, then the missing ones created in
        batches. Returns one `BatchResult` per machine, its `value` an `UpsertResult`."""
        values, keys = checked(CustomerMachineInput, machines)
        context = self._context
        return (
            yield from create_missing(
                context,
                values,
                keys,
                find=lambda ids: find_machines(context, ids, batch_size),
                create=lambda machine: create_machine(machine, shape),
                differences=_differences,
                batch_size=batch_size,
            )
        )
