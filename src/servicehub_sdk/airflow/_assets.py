"""Airflow assets of the provider: `servicehub://<backend>/<resource>`.

A task that changes records of a backend declares the asset of their resource as an outlet,
so DAGs scheduled on it run after it: `servicehub://ssh/service_cases`,
`servicehub://ssh/customers`, `servicehub://supportcenter/tickets`… The backend is a
registered backend's name (`servicehub_sdk.backends`), the resource the client attribute that
lists the records (`hub.service_cases`), or `tickets` for the tickets a help desk creates.

Airflow finds `sanitize_uri`, `create_asset` and `convert_asset_to_openlineage` through the
provider's `asset-uris` entry; this module imports Airflow only when an asset is made.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urlsplit

from .._backends import backends
from ..core._errors import ConfigurationError

if TYPE_CHECKING:
    from airflow.sdk import Asset

__all__ = [
    "SCHEME",
    "TICKETS",
    "asset_uri",
    "convert_asset_to_openlineage",
    "create_asset",
    "sanitize_uri",
    "servicehub_asset",
]

SCHEME = "servicehub"
TICKETS = "tickets"
"""The resource of the tickets a help desk creates (`servicehub://supportcenter/tickets`)."""

_RESOURCE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")


def _check(backend: str, resource: str) -> None:
    if backend not in backends:
        raise ConfigurationError(
            f"unknown backend {backend!r} in a {SCHEME}:// asset (known: {', '.join(backends)})"
        )
    if not _RESOURCE.fullmatch(resource):
        raise ConfigurationError(
            f"{SCHEME}:// asset resource {resource!r} must be a client attribute such as "
            "service_cases"
        )


def asset_uri(backend: str, resource: str) -> str:
    """`servicehub://<backend>/<resource>`, checked."""
    _check(backend, resource)
    return f"{SCHEME}://{backend}/{resource}"


def servicehub_asset(backend: str, resource: str, extra: dict[str, Any] | None = None) -> Asset:
    """The Airflow `Asset` of `resource` of `backend` (named by its URI)."""
    from airflow.sdk import Asset

    uri = asset_uri(backend, resource)
    return Asset(name=uri, uri=uri, extra=extra or {})


def create_asset(*, backend: str, resource: str, extra: dict[str, Any] | None = None) -> Asset:
    """Airflow's asset factory for the scheme (`asset-uris` → `factory`)."""
    return servicehub_asset(backend, resource, extra)


def sanitize_uri(uri: SplitResult) -> SplitResult:
    """Airflow's normaliser for `servicehub://` URIs (`asset-uris` → `handler`): the backend
    lower-cased, one resource path, no port, user, query or fragment. Raises `ValueError`
    (what Airflow expects) for anything else."""
    backend = (uri.hostname or "").lower()
    resource = uri.path.strip("/")
    try:
        _check(backend, resource)
    except ConfigurationError as exc:
        raise ValueError(f"{exc.message}: expected {SCHEME}://<backend>/<resource>") from None
    if uri.query or uri.port is not None or uri.username:
        raise ValueError(f"{SCHEME}:// asset URIs have no port, user or query: {uri.geturl()}")
    return uri._replace(netloc=backend, path=f"/{resource}", query="", fragment="")


def convert_asset_to_openlineage(asset: Any, lineage_context: Any = None) -> Any:
    """The OpenLineage dataset of an asset (`asset-uris` → `to_openlineage_converter`):
    namespace `servicehub://<backend>`, name `<resource>`."""
    from airflow.providers.common.compat.openlineage.facet import Dataset

    parsed = urlsplit(asset.uri)
    return Dataset(namespace=f"{SCHEME}://{parsed.netloc}", name=parsed.path.strip("/"))
