"""`hub.customers`: list, get, create, update and upsert customers by external ID."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import Any, ClassVar, Unpack

import httpx

from ..core._changes import Change, change_of, mapped_pages
from ..core._client import (
    M,
    Resource,
    operation,
    paged,
)
from ..core._errors import NotFoundError, RequestValidationError
from ..core._models import validate_input
from ..core._pagination import Page
from ..core._request import CallOptions, Flow, ListOptions, Step
from ._batch import (
    DEFAULT_BATCH_SIZE,
    BatchResults,
    created_id,
    or_error,
    run_batch,
    run_many,
)
from ._context import SSHContext
from ._graphql import FieldRequest, Plan, graphql_call
from ._models import (
    Customer,
    CustomerInput,
    CustomerUpdate,
    UpsertResult,
)

__all__ = ["Customers"]

CustomerData = CustomerInput | Mapping[str, Any]


def _read_customer(value: Any, _: httpx.Response) -> Customer:
    return Customer.model_validate(value)


def get_customer(external_id: str) -> FieldRequest[Customer]:
    if not external_id:
        raise RequestValidationError("external_id must not be empty")

    def read(value: Any, response: httpx.Response) -> Customer:
        if value is None:
            raise NotFoundError(
                f"Secure Service Hub has no customer with externalId {external_id!r}",
                response=response,
                code="NOT_FOUND",
                may_have_been_applied=False,
            )
        return _read_customer(value, response)

    return graphql_call("query", "customer", {"externalId": external_id}, "Customer", read)


def find_customer(external_id: str) -> FieldRequest[Customer | None]:
    if not external_id:
        raise RequestValidationError("external_id must not be empty")
    return graphql_call(
        "query",
        "customer",
        {"externalId": external_id},
        "Customer",
        lambda value, _: None if value is None else Customer.model_validate(value),
    )


def create_customer(customer: CustomerInput) -> FieldRequest[Customer]:
    return graphql_call(
        "mutation", "createCustomer", {"customer": customer.to_wire()}, "Customer", _read_customer
    )


def create_customer_returning_id(wire: Mapping[str, Any]) -> FieldRequest[str]:
    """`createCustomer(customer: <wire>) { id externalId }`, read as the new customer's id."""
    return graphql_call("mutation", "createCustomer", {"customer": wire}, "Created", created_id)


def _update(field: str, arguments: dict[str, Any]) -> FieldRequest[Customer]:
    # It sets values: sending it twice leaves the same state.
    return graphql_call("mutation", field, arguments, "Customer", _read_customer, idempotent=True)


def _country_required(plan: Plan) -> bool:
    """Whether the document-style `updateCustomer(customer:)` address needs a country."""
    from graphql import get_named_type, is_non_null_type

    address = plan.input_fields("mutation", "updateCustomer", "customer").get("address")
    country = (
        getattr(get_named_type(address.type), "fields", {}).get("country") if address else None
    )
    return country is not None and is_non_null_type(country.type)


def update_customer(
    context: SSHContext, update: CustomerUpdate, existing: Customer | None = None
) -> Flow[Customer]:
    """Change a customer with the update mutation the server's schema has.

    - `updateCustomer(customer: {externalId, ...})` (the vendor document): where the schema
      requires `address.country` and the update changes no address, the customer's current
      address country is sent with it (read from `existing`, or looked up by external ID), so
      the update changes nothing the caller did not ask for;
    - `updateCustomerByExternalId(externalId:, customer:)`;
    - `updateCustomer(id:, customer:)`, with the ID looked up by external ID.
    """
    plan = yield from context.plan()
    changes = {k: v for k, v in update.to_wire().items() if k != "externalId"}
    takes = (
        plan.arguments("mutation", "updateCustomer")
        if plan.has_field("mutation", "updateCustomer")
        else {}
    )
    if "customer" in takes and "id" not in takes:
        if "address" not in changes and _country_required(plan):
            if existing is None:
                existing = yield from context.send(get_customer(update.external_id))
            country = existing.address.country if existing.address else None
            if country:
                changes["address"] = {"country": country}
        customer = {"externalId": update.external_id, **changes}
        return (yield from context.send(_update("updateCustomer", {"customer": customer})))
    if plan.has_field("mutation", "updateCustomerByExternalId"):
        arguments = {"externalId": update.external_id, "customer": changes}
        return (yield from context.send(_update("updateCustomerByExternalId", arguments)))
    if existing is None:
        existing = yield from context.send(get_customer(update.external_id))
    by_id = _update("updateCustomer", {"id": existing.id, "customer": changes})
    return (yield from context.send(by_id))


def differences(existing: Customer, wanted: CustomerInput) -> list[str]:
    """The fields `wanted` would change on `existing` (fields `wanted` leaves unset are kept)."""
    changed = []
    if existing.name != wanted.name:
        changed.append("name")
    org = existing.service_organisation.id if existing.service_organisation else None
    if org != wanted.service_organisation:
        changed.append("serviceOrganisation")
    address = existing.address.model_dump() if existing.address else {}
    for key, value in wanted.address.model_dump(exclude_none=True).items():
        if address.get(key) != value:
            changed.append(f"address.{key}")
    return changed


def upsert_customer(context: SSHContext, wanted: CustomerInput) -> Flow[UpsertResult[Customer]]:
    """Look the customer up; create it, or update what differs."""
    if not wanted.external_id:
        raise RequestValidationError("upsert needs the customer's external_id")
    try:
        existing = yield from context.send(get_customer(wanted.external_id))
    except NotFoundError:
        created = yield from context.send(create_customer(wanted))
        return UpsertResult(action="created", item=created)
    changed = differences(existing, wanted)
    if not changed:
        return UpsertResult(action="unchanged", item=existing)
    update = CustomerUpdate(
        external_id=wanted.external_id,
        name=wanted.name,
        service_organisation=wanted.service_organisation,
        address=wanted.address,
    )
    updated = yield from update_customer(context, update, existing)
    return UpsertResult(action="updated", item=updated, differences=changed)


class Customers(Resource[M, SSHContext]):
    """Customers (`customersPaginated`, `customer`, `createCustomer`, `updateCustomer`)."""

    _change_model: ClassVar[type[Customer]] = Customer

    @paged
    def changes(
        self,
        *,
        since: datetime | None = None,
        page_size: int = 100,
        **options: Unpack[ListOptions],
    ) -> Step[Page[Change[Customer]]]:
        """Every customer as a `created` change (`customersPaginated`, one request per
        `page_size`).

        Customers carry no modification time, so alone this cannot tell what changed
        since a time: `since` raises `RequestValidationError`. A `ChangeFeed` over it
        compares each scan with the fingerprints of the previous one and is exact.
        """
        if since is not None:
            raise RequestValidationError(
                "customers carry no modification time: follow them with a ChangeFeed"
            )
        return mapped_pages(
            self._context.listing("customersPaginated", "Customer", Customer, page_size=page_size),
            partial(change_of, since=None),
        )

    @paged
    def list(self, *, page_size: int = 100, **options: Unpack[ListOptions]) -> Step[Page[Customer]]:
        """Every customer, page by page (`customersPaginated`). Returns a lazy pager."""
        return self._context.listing(
            "customersPaginated", "Customer", Customer, page_size=page_size
        )

    @operation
    def get(self, external_id: str, **options: Unpack[CallOptions]) -> Flow[Customer]:
        """The customer with this external ID (`customer(externalId:)`).

        Raises:
            NotFoundError: the API answered `null`: no such customer.
        """
        return self._context.send(get_customer(external_id))

    @operation
    def find(self, external_id: str, **options: Unpack[CallOptions]) -> Flow[Customer | None]:
        """The customer with this external ID, or `None` (`customer(externalId:)`)."""
        try:
            return (yield from self._context.send(get_customer(external_id)))
        except NotFoundError:
            return None

    @operation
    def create(self, customer: CustomerData, **options: Unpack[CallOptions]) -> Flow[Customer]:
        """Create a customer (`createCustomer`) and return it.

        `customer` is a `CustomerInput` or a mapping of its fields; name, service
        organisation and an ISO 3166-1 alpha-2 `address.country` are checked before sending.
        Not retried once it may have reached the server.
        """
        return self._context.send(create_customer(validate_input(CustomerInput, customer)))

    @operation
    def update(
        self, customer: CustomerUpdate | Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Flow[Customer]:
        """Change the name, service organisation or address of the customer with
        `customer.external_id` and return it.

        Sends the update mutation the server's schema has: `updateCustomer(customer:)` (the
        vendor document; the current country is added when the schema requires one and the
        update changes no address), `updateCustomerByExternalId(externalId:, customer:)`, or
        `updateCustomer(id:, customer:)` after looking the ID up with `customer(externalId:)`.
        """
        update = validate_input(CustomerUpdate, customer)
        return (yield from update_customer(self._context, update))

    @operation
    def upsert(
        self, customer: CustomerData, **options: Unpack[CallOptions]
    ) -> Flow[UpsertResult[Customer]]:
        """Create the customer, or update it when one with its external ID exists.

        Sends `customer(externalId:)`, then `createCustomer` or — only when a field differs —
        the update mutation the schema has (see `update`). Returns what happened
        (`created`, `updated`, `unchanged`) and the customer.
        """
        wanted = validate_input(CustomerInput, customer)
        return (yield from upsert_customer(self._context, wanted))

    @operation
    def find_many(
        self,
        external_ids: Iterable[str],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        **options: Unpack[CallOptions],
    ) -> Flow[BatchResults[Customer | None]]:
        """Look customers up by external ID, `batch_size` lookups per document
        (`customer(externalId:)` under aliases).

        Returns one `BatchResult` per external ID, in order: its `value` is the customer, or
        `None` where there is none.
        """
        ids = [str(external_id) for external_id in external_ids]
        steps = [or_error(partial(find_customer, external_id)) for external_id in ids]
        return (yield from run_batch(self._context, steps, ids, batch_size=batch_size))

    @operation
    def create_many(
        self,
        customers: Iterable[CustomerData],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        **options: Unpack[CallOptions],
    ) -> Flow[BatchResults[Customer]]:
        """Create customers, `batch_size` `createCustomer` mutations per document.

        Returns one `BatchResult` per customer, in order (`key`: its external ID): `ok` with
        the customer, or why not (`failed`, `applied`, `unknown`, `not_run`; see
        `BatchResult`). Each customer is validated as by `create`; one that is invalid fails
        alone. Documents that may have reached the server are never sent again.
        """
        context = self._context
        return (yield from run_many(context, CustomerInput, customers, create_customer, batch_size))

    @operation
    def update_many(
        self,
        customers: Iterable[CustomerUpdate | Mapping[str, Any]],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        **options: Unpack[CallOptions],
    ) -> Flow[BatchResults[Customer]]:
        """Change customers as `update` does, `batch_size` update mutations (and, where the
        schema needs them first, `customer(externalId:)` lookups) per document.

        Returns one `BatchResult` per update, in order.
        """
        context = self._context
        update = partial(update_customer, context)
        return (yield from run_many(context, CustomerUpdate, customers, update, batch_size))

    @operation
    def upsert_many(
        self,
        customers: Iterable[CustomerData],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        **options: Unpack[CallOptions],
    ) -> Flow[BatchResults[UpsertResult[Customer]]]:
        """`upsert` for many customers: their lookups go out `batch_size` per document, then
        their creates and updates.

        Returns one `BatchResult` per customer, in order, its `value` an `UpsertResult`.
        """
        context = self._context
        upsert = partial(upsert_customer, context)
        return (yield from run_many(context, CustomerInput, customers, upsert, batch_size))
