"""`hub.machine_models`: list, create and upsert machine models."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any, Unpack

from ..core.client import M, Resource, operation, paged
from ..core.errors import RequestValidationError
from ..core.models import validate_input
from ..core.pagination import Page
from ..core.request import Call, CallOptions, ListOptions
from .graphql import graphql_call, paged_call
from .lookup import find_by_external_id
from .models import MachineModel, MachineModelInput, UpsertResult

__all__ = ["MachineModels"]

LOOKUP_PAGE_SIZE = 200


def list_models(page_size: int) -> Call[Page[MachineModel]]:
    return paged_call("machineModelsPaginated", "MachineModel", MachineModel, page_size=page_size)


def create_model(model: MachineModelInput) -> Call[MachineModel]:
    return graphql_call(
        "mutation",
        "createMachineModel",
        {"machineModel": model.to_arguments()},
        "MachineModel",
        lambda value, _: MachineModel.model_validate(value),
    )


def find_model(external_id: str) -> Generator[Call[Any], Any, MachineModel | None]:
    return (
        yield from find_by_external_id(
            lambda: list_models(LOOKUP_PAGE_SIZE),
            external_id,
            lookup=("machineModel", "MachineModel", MachineModel),
        )
    )


class MachineModels(Resource[M]):
    """Machine models (`machineModelsPaginated`, `createMachineModel`)."""

    @paged
    def list(
        self, *, page_size: int = 100, **options: Unpack[ListOptions]
    ) -> Call[Page[MachineModel]]:
        """Every machine model, page by page (`machineModelsPaginated`)."""
        return list_models(page_size)

    @operation
    def find(
        self, external_id: str, **options: Unpack[CallOptions]
    ) -> Generator[Call[Any], Any, MachineModel | None]:
        """The machine model with this external ID, or `None`.

        Asks `machineModel(externalId:)` where the schema has it; the vendor document has no
        such query, so there this reads the listing.
        """
        return (yield from find_model(external_id))

    @operation
    def create(
        self, model: MachineModelInput | Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Call[MachineModel]:
        """Create a machine model (`createMachineModel`). Not retried once sent."""
        return create_model(validate_input(MachineModelInput, model))

    @operation
    def upsert(
        self, model: MachineModelInput | Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Generator[Call[Any], Any, UpsertResult[MachineModel]]:
        """Create the machine model unless one with its external ID exists.

        The API offers no update of machine models: an existing one is left as it is and
        reported `unchanged`, with the fields that differ in `differences`.
        """
        wanted = validate_input(MachineModelInput, model)
        if not wanted.external_id:
            raise RequestValidationError("upsert needs the machine model's external_id")
        existing = yield from find_model(wanted.external_id)
        if existing is None:
            created: MachineModel = yield create_model(wanted)
            return UpsertResult(action="created", item=created)
        differences = [
            key
            for key, value in wanted.to_arguments().items()
            if existing.model_dump(by_alias=True).get(key) != value
        ]
        return UpsertResult(action="unchanged", item=existing, differences=differences)
