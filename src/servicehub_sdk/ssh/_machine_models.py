"""`hub.machine_models`: list, create and upsert machine models."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

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
from ._models import MachineModel, MachineModelInput, UpsertResult

__all__ = ["MachineModels"]

LOOKUP_PAGE_SIZE = 200


def list_models(context: SSHContext, page_size: int) -> Step[Page[MachineModel]]:
    return context.listing(
        "machineModelsPaginated", "MachineModel", MachineModel, page_size=page_size
    )


def create_model(model: MachineModelInput) -> FieldRequest[MachineModel]:
    return graphql_call(
        "mutation",
        "createMachineModel",
        {"machineModel": model.to_wire()},
        "MachineModel",
        lambda value, _: MachineModel.model_validate(value),
    )


def create_model_returning_id(wire: Mapping[str, Any]) -> FieldRequest[str]:
    """`createMachineModel(machineModel: <wire>) { id externalId }`, read as the new model's
    id."""
    return graphql_call(
        "mutation", "createMachineModel", {"machineModel": wire}, "Created", created_id
    )


def find_model(context: SSHContext, external_id: str) -> Flow[MachineModel | None]:
    return (
        yield from find_by_external_id(
            context,
            list_models(context, LOOKUP_PAGE_SIZE),
            external_id,
            lookup=("machineModel", "MachineModel", MachineModel),
        )
    )


def find_models(
    context: SSHContext, external_ids: list[str], batch_size: int
) -> Flow[BatchResults[MachineModel | None]]:
    return (
        yield from find_many_by_external_id(
            context,
            list_models(context, LOOKUP_PAGE_SIZE),
            external_ids,
            lookup=("machineModel", "MachineModel", MachineModel),
            batch_size=batch_size,
        )
    )


def _differences(existing: MachineModel, wanted: MachineModelInput) -> list[str]:
    current = existing.model_dump(by_alias=True)
    return [key for key, value in wanted.to_wire().items() if current.get(key) != value]


ModelData = MachineModelInput | Mapping[str, Any]


class MachineModels(Resource[M, SSHContext]):
    """Machine models (`machineModelsPaginated`, `createMachineModel`)."""

    @paged
    def list(
        self, *, page_size: int = 100, **options: Unpack[ListOptions]
    ) -> Step[Page[MachineModel]]:
        """Every machine model, page by page (`machineModelsPaginated`)."""
        return list_models(self._context, page_size)

    @operation
    def find(self, external_id: str, **options: Unpack[CallOptions]) -> Flow[MachineModel | None]:
        """The machine model with this external ID, or `None`.

        Asks `machineModel(externalId:)` where the schema has it; the vendor document has no
        such query, so there this reads the listing.
        """
        return (yield from find_model(self._context, external_id))

    @operation
    def create(
        self, model: MachineModelInput | Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Flow[MachineModel]:
        """Create a machine model (`createMachineModel`). Not retried once sent."""
        return self._context.send(create_model(validate_input(MachineModelInput, model)))

    @operation
    def upsert(
        self, model: MachineModelInput | Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Flow[UpsertResult[MachineModel]]:
        """Create the machine model unless one with its external ID exists.

        The API offers no update of machine models: an existing one is left as it is and
        reported `unchanged` when it is as asked for, else `differs`, with the fields that
        differ in `differences` (nothing is changed).
        """
        wanted = validate_input(MachineModelInput, model)
        if not wanted.external_id:
            raise RequestValidationError("upsert needs the machine model's external_id")
        context = self._context
        return (
            yield from create_or_report(
                context,
                wanted,
                find=lambda external_id: find_model(context, external_id),
                create=create_model,
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
    ) -> Flow[BatchResults[MachineModel | None]]:
        """Look machine models up by external ID: `batch_size` `machineModel(externalId:)`
        lookups per document where the schema has that query, else one read of the listing.

        Returns one `BatchResult` per external ID, in order; `value` is `None` where there
        is no such model.
        """
        ids = [str(external_id) for external_id in external_ids]
        return (yield from find_models(self._context, ids, batch_size))

    @operation
    def create_many(
        self,
        models: Iterable[ModelData],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        **options: Unpack[CallOptions],
    ) -> Flow[BatchResults[MachineModel]]:
        """Create machine models, `batch_size` `createMachineModel` mutations per document.

        Returns one `BatchResult` per model, in order (see `SSHClient` docs, "Batches").
        Documents that may have reached the server are never sent again.
        """
        return (
            yield from run_many(self._context, MachineModelInput, models, create_model, batch_size)
        )

    @operation
    def upsert_many(
        self,
        models: Iterable[ModelData],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        **options: Unpack[CallOptions],
    ) -> Flow[BatchResults[UpsertResult[MachineModel]]]:
        """`upsert` for many models: one `find_many`, then the missing ones created in
        batches. Returns one `BatchResult` per model, its `value` an `UpsertResult`."""
        values, keys = checked(MachineModelInput, models)
        context = self._context
        return (
            yield from create_missing(
                context,
                values,
                keys,
                find=lambda ids: find_models(context, ids, batch_size),
                create=create_model,
                differences=_differences,
                batch_size=batch_size,
            )
        )
