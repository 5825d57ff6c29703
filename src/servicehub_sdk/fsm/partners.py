"""`fsm.secure_hash` and `fsm.partners`: the Crowd Partner API's methods 1.3 to 1.10."""

from __future__ import annotations

import os
from collections.abc import Generator, Mapping, Sequence
from typing import Any, Unpack

import httpx

from ..core.client import M, Resource, operation, paged
from ..core.errors import (
    NotFoundError,
    PermissionDeniedError,
    RequestValidationError,
    ResponseValidationError,
)
from ..core.models import validate_input
from ..core.pagination import Page, PageData, counter_pages
from ..core.request import Call, CallOptions, ListOptions
from .context import ACCOUNT_ID, ACCOUNT_NAME, COMPANY_ID, COMPANY_NAME
from .models import Contact, Partner, PartnerAddress, SecureHash, ServiceArea

__all__ = ["Partners", "SecureHashes"]

PartnerData = Partner | Mapping[str, Any]
Addresses = list[PartnerAddress]
Contacts = list[Contact]
ServiceAreas = list[ServiceArea]

# Headers per method, as the document's tables list them (1.3-1.10).
BY_ID = {"X-Account-ID": ACCOUNT_ID, "X-Company-Id": COMPANY_ID}
BY_NAME = {"X-Account-Name": ACCOUNT_NAME, "X-Company-Name": COMPANY_NAME}


def _headers(context: Mapping[str, str], **extra: str) -> dict[str, str]:
    return {**context, "X-Request-ID": os.urandom(16).hex(), **extra}


def _results(response: httpx.Response) -> list[Any]:
    body = response.json()
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise ResponseValidationError("the answer has no 'results' list", response=response)
    return results


def _first(response: httpx.Response) -> Any:
    results = _results(response)
    if not results:
        raise ResponseValidationError("the answer's 'results' list is empty", response=response)
    return results[0]


def get_secure_hash() -> Call[SecureHash]:
    return Call(
        "GET",
        "partners/secure-hash",
        headers=_headers(BY_ID),
        parse=lambda r: SecureHash.model_validate(_first(r)),
        name="FSM GET partners/secure-hash",
    )


def create_secure_hash() -> Call[SecureHash]:
    # Creating a hash twice is harmless (it gives the account/company hash), so it is retried.
    return Call(
        "POST",
        "partners/secure-hash",
        headers=_headers(BY_ID),
        parse=lambda r: SecureHash.model_validate(_first(r)),
        idempotent=True,
        name="FSM POST partners/secure-hash",
    )


class SecureHashes(Resource[M]):
    """The secure hash (methods 1.3 and 1.4), required to create crowd partners."""

    @operation
    def create(self, **options: Unpack[CallOptions]) -> Generator[Call[Any], Any, SecureHash]:
        """Create the account/company secure hash (`POST partners/secure-hash`, 201).

        The client keeps it for `partners.create` and `partners.update`.
        """
        created: SecureHash = yield create_secure_hash()
        self._client._secure_hash = created  # type: ignore[attr-defined]
        return created

    @operation
    def get(self, **options: Unpack[CallOptions]) -> Generator[Call[Any], Any, SecureHash]:
        """The secure hash created before (`GET partners/secure-hash`); the client keeps it.

        Raises:
            NotFoundError: none was created yet.
        """
        found: SecureHash = yield get_secure_hash()
        self._client._secure_hash = found  # type: ignore[attr-defined]
        return found


def _sub_resource(partner_id: str, path: str, model: type[Any]) -> Call[Any]:
    if not partner_id:
        raise RequestValidationError("partner_id must not be empty")
    return Call(
        "GET",
        f"partners/{partner_id}/{path}",
        headers=_headers(BY_ID),
        parse=lambda r: [model.model_validate(x) for x in _results(r)],
        name=f"FSM GET partners/{{id}}/{path}",
    )


def _partner_to_send(partner: PartnerData) -> Partner:
    model = validate_input(Partner, partner)
    if not model.name:
        raise RequestValidationError("a crowd partner needs a name")
    return model


class Partners(Resource[M]):
    """Crowd partners (methods 1.5 to 1.10)."""

    @paged
    def list(
        self,
        *,
        page: int = 0,
        size: int = 100,
        sort: Sequence[str] | None = None,
        **options: Unpack[ListOptions],
    ) -> Call[Page[Partner]]:
        """Every crowd partner, page by page (`GET partners`).

        `page` is the 0-based first page, `size` the page size, `sort` criteria such as
        `["name,desc", "id"]`. The listing follows the service's Spring-style pages and stops
        on the page marked `last` (or a short page).
        """
        if size < 1 or page < 0:
            raise RequestValidationError("size must be at least 1 and page 0 or more")

        def one(number: int) -> Call[PageData[Partner]]:
            params: dict[str, Any] = {"page": number, "size": size}
            if sort:
                params["sort"] = list(sort)

            def parse(response: httpx.Response) -> PageData[Partner]:
                body = response.json()
                items = [Partner.model_validate(x) for x in _results(response)]
                last = body.get("last") if isinstance(body, dict) else None
                total = body.get("totalElements") if isinstance(body, dict) else None
                return PageData(
                    items=items,
                    has_more=None if last is None else not last,
                    total=total if isinstance(total, int) else None,
                )

            return Call(
                "GET",
                "partners",
                params=params,
                headers=_headers(BY_NAME),
                parse=parse,
                name="FSM GET partners",
            )

        return counter_pages(one, start=page, step=1, page_size=size)

    @operation
    def addresses(self, partner_id: str, **options: Unpack[CallOptions]) -> Call[Addresses]:
        """The partner's addresses (`GET partners/{id}/addresses`)."""
        return _sub_resource(partner_id, "addresses", PartnerAddress)

    @operation
    def contacts(self, partner_id: str, **options: Unpack[CallOptions]) -> Call[Contacts]:
        """The partner's contacts (`GET partners/{id}/contacts`)."""
        return _sub_resource(partner_id, "contacts", Contact)

    @operation
    def service_areas(self, partner_id: str, **options: Unpack[CallOptions]) -> Call[ServiceAreas]:
        """The partner's service areas (`GET partners/{id}/service-areas`)."""
        return _sub_resource(partner_id, "service-areas", ServiceArea)

    @operation
    def create(
        self, partner: PartnerData, **options: Unpack[CallOptions]
    ) -> Generator[Call[Any], Any, Partner]:
        """Create a crowd partner with its address, contacts and service area
        (`POST dispatch/accept`, 201).

        Fetches the secure hash first (creating one when there is none) and caches it; if the
        service refuses a cached hash (403), it is fetched again once. The create itself is
        not retried once it may have reached the server.
        """
        body = _partner_to_send(partner).to_body()
        refreshed = False
        while True:
            secure = yield from self._secure_hash(refresh=refreshed)
            call = Call(
                "POST",
                "dispatch/accept",
                json=body,
                headers=_headers(BY_ID, **{"X-Secure-Hash": secure.secure_hash.get_secret_value()}),
                parse=lambda r: Partner.model_validate(_first(r)),
                name="FSM POST dispatch/accept",
            )
            try:
                created: Partner = yield call
            except PermissionDeniedError:
                if refreshed:
                    raise
                refreshed = True
                continue
            return created

    @operation
    def update(
        self, partner_id: str, partner: PartnerData, **options: Unpack[CallOptions]
    ) -> Generator[Call[Any], Any, Partner]:
        """Replace a crowd partner and its sub-resources (`PUT partners/{id}`).

        Sends `X-Secure-Hash` too: section 1.4 of the document requires it for PUT, though
        the table of 1.10 leaves it out.
        """
        if not partner_id:
            raise RequestValidationError("partner_id must not be empty")
        body = _partner_to_send(partner).to_body()
        body.setdefault("id", partner_id)
        secure = yield from self._secure_hash(refresh=False)
        updated: Partner = yield Call(
            "PUT",
            f"partners/{partner_id}",
            json=body,
            headers=_headers(BY_ID, **{"X-Secure-Hash": secure.secure_hash.get_secret_value()}),
            parse=lambda r: Partner.model_validate(_first(r)),
            name="FSM PUT partners/{id}",
        )
        return updated

    def _secure_hash(self, *, refresh: bool) -> Generator[Call[Any], Any, SecureHash]:
        cached: SecureHash | None = getattr(self._client, "_secure_hash", None)
        if cached is not None and not refresh:
            return cached
        try:
            found: SecureHash = yield get_secure_hash()
        except NotFoundError:
            found = yield create_secure_hash()
        self._client._secure_hash = found  # type: ignore[attr-defined]
        return found
