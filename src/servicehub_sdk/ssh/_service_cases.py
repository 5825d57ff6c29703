"""`hub.service_cases`: list cases, find the unlinked ones, and link them by external ID."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import partial
from typing import ClassVar, Unpack

from ..core._changes import Change, change_of, mapped_pages
from ..core._client import (
    M,
    Resource,
    operation,
    paged,
)
from ..core._errors import RequestValidationError
from ..core._pagination import Page
from ..core._request import CallOptions, Flow, ListOptions, Step
from ._batch import (
    DEFAULT_BATCH_SIZE,
    BatchResults,
    or_error,
    run_batch,
)
from ._context import SSHContext
from ._graphql import FieldRequest, graphql_call
from ._models import ServiceCase, ServiceCaseView

__all__ = ["ServiceCases"]


def _view(view: ServiceCaseView | str) -> str:
    try:
        return ServiceCaseView(view).value
    except ValueError:
        known = ", ".join(v.value for v in ServiceCaseView)
        raise RequestValidationError(f"view must be one of {known}, got {view!r}") from None


def _aware(since: datetime) -> None:
    if since.tzinfo is None:
        raise RequestValidationError("since must be timezone-aware (for example in UTC)")


def _changed_since(since: datetime) -> Callable[[ServiceCase], bool]:
    def changed(case: ServiceCase) -> bool:
        return case.updated_at is not None and case.updated_at >= since

    return changed


def _case_change(case: ServiceCase, *, since: datetime | None) -> Change[ServiceCase]:
    return change_of(case, since=since, updated_at=case.updated_at, created_at=case.created_at)


def set_external_id(service_case_id: str, external_id: str) -> FieldRequest[ServiceCase]:
    if not service_case_id or not external_id:
        raise RequestValidationError("service_case_id and external_id must not be empty")
    return graphql_call(
        "mutation",
        "updateServiceCaseExternalId",
        {"serviceCaseId": service_case_id, "externalId": external_id},
        "ServiceCaseLink",
        lambda value, _: ServiceCase.model_validate(value),
        idempotent=True,
    )


class ServiceCases(Resource[M, SSHContext]):
    """Service cases (`serviceCasesPaginated`, `updateServiceCaseExternalId`)."""

    _change_model: ClassVar[type[ServiceCase]] = ServiceCase

    @paged
    def list(
        self,
        *,
        view: ServiceCaseView | str = ServiceCaseView.SERVICE_PROVIDER,
        page_size: int = 100,
        **options: Unpack[ListOptions],
    ) -> Step[Page[ServiceCase]]:
        """Every service case visible in `view`, page by page (`serviceCasesPaginated`), with
        state, creator, assignee, machine, custom fields and closing report."""
        return self._context.listing(
            "serviceCasesPaginated",
            "ServiceCase",
            ServiceCase,
            page_size=page_size,
            options={"view": _view(view)},
        )

    @paged
    def changes(
        self,
        *,
        since: datetime | None = None,
        view: ServiceCaseView | str = ServiceCaseView.SERVICE_PROVIDER,
        page_size: int = 100,
        **options: Unpack[ListOptions],
    ) -> Step[Page[Change[ServiceCase]]]:
        """The service cases changed since `since` (by their `updatedAt`), each as a
        `Change` (`created` when `createdAt` is since then too); every case without `since`.

        The schemas have no filter on the update time, so this reads every case
        (`serviceCasesPaginated`, one request per `page_size` cases) with the fields a
        change scan needs: id, displayId, externalId, title, priority, severity, createdAt,
        updatedAt, closedAt, state, assignee and closingReport. Alone it says what changed
        as far as `updatedAt` tells; a `ChangeFeed` over it is exact (and finds deletions).
        """
        keep = None
        if since is not None:
            _aware(since)
            keep = _changed_since(since)
        listing = self._context.listing(
            "serviceCasesPaginated",
            "ServiceCaseChange",
            ServiceCase,
            page_size=page_size,
            options={"view": _view(view)},
            keep=keep,
        )
        return mapped_pages(listing, partial(_case_change, since=since))

    @paged
    def list_unlinked(
        self,
        *,
        view: ServiceCaseView | str = ServiceCaseView.SERVICE_PROVIDER,
        page_size: int = 100,
        **options: Unpack[ListOptions],
    ) -> Step[Page[ServiceCase]]:
        """The service cases without an external ID: the ones the ERP does not know yet.

        The vendor's own workaround: read all cases and keep the new ones.
        """
        return self._context.listing(
            "serviceCasesPaginated",
            "ServiceCase",
            ServiceCase,
            page_size=page_size,
            options={"view": _view(view)},
            keep=lambda case: not case.is_linked,
        )

    @operation
    def set_external_id(
        self, service_case_id: str, external_id: str, **options: Unpack[CallOptions]
    ) -> Flow[ServiceCase]:
        """Link a service case to an ERP notification or ticket
        (`updateServiceCaseExternalId`); returns the case's `id`, `externalId`, `displayId`.

        Setting the same ID twice is harmless, so this is retried like a read.
        """
        return self._context.send(set_external_id(service_case_id, external_id))

    @operation
    def set_external_ids(
        self,
        links: Mapping[str, str] | Iterable[tuple[str, str]],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        **options: Unpack[CallOptions],
    ) -> Flow[BatchResults[ServiceCase]]:
        """Link many service cases, `batch_size` `updateServiceCaseExternalId` mutations per
        document. `links` maps service case IDs to external IDs (or is a sequence of such
        pairs).

        Returns one `BatchResult` per link, in order (`key`: the service case ID). Like
        `set_external_id`, these documents are retried like reads.
        """
        pairs = list(links.items()) if isinstance(links, Mapping) else list(links)
        steps = [or_error(partial(set_external_id, case, ext)) for case, ext in pairs]
        keys = [str(case) for case, _ in pairs]
        return (yield from run_batch(self._context, steps, keys, batch_size=batch_size))
