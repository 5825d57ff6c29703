"""A tiny backend built on the core, and its emulator, to test the core end to end."""

from __future__ import annotations

import json
import threading
from collections.abc import Generator, Mapping
from typing import Any, Unpack

import httpx

from servicehub_sdk.core import (
    Async,
    AsyncClient,
    Call,
    CallOptions,
    ClientBase,
    ClientContext,
    ListOptions,
    NotFoundError,
    Page,
    PageData,
    Resource,
    RetryPolicy,
    Sync,
    SyncClient,
    counter_pages,
    operation,
    paged,
)
from servicehub_sdk.core._client import M
from servicehub_sdk.testing import EmulatedRequest, EmulatedResponse, TokenEndpoint

FAST = RetryPolicy(backoff_base=0.001, backoff_cap=0.01)


class Row(dict[str, Any]):
    """An item of a listing (a dict that can be weakly referenced, to prove none is kept)."""


def _json(response: httpx.Response) -> dict[str, Any]:
    data: dict[str, Any] = response.json()
    return data


class Items(Resource[M, ClientContext]):
    @operation
    def get(self, item_id: int, **options: Unpack[CallOptions]) -> Call[dict[str, Any]]:
        """GET /items/{id}."""
        return Call("GET", f"items/{item_id}", parse=_json)

    @operation
    def create(self, name: str, **options: Unpack[CallOptions]) -> Call[dict[str, Any]]:
        """POST /items."""
        return Call("POST", "items", json={"name": name}, parse=_json)

    @operation
    def get_or_create(
        self, item_id: int, name: str, **options: Unpack[CallOptions]
    ) -> Generator[Call[Any], Any, tuple[str, dict[str, Any]]]:
        """GET, and POST when the GET says 404."""
        try:
            found = yield Call("GET", f"items/{item_id}", parse=_json)
        except NotFoundError:
            created = yield Call("POST", "items", json={"name": name}, parse=_json)
            return "created", created
        return "found", found

    @paged
    def list(
        self, page_size: int = 10, **options: Unpack[ListOptions]
    ) -> Call[Page[dict[str, Any]]]:
        """GET /items?page=&size= (0-based pages, stop on a short page)."""

        def page(number: int) -> Call[PageData[dict[str, Any]]]:
            return Call(
                "GET",
                "items",
                params={"page": number, "size": page_size},
                parse=lambda r: PageData(
                    items=[Row(i) for i in r.json()["items"]], total=r.json()["total"]
                ),
            )

        return counter_pages(page, start=0, step=1, page_size=page_size)


class _Demo(ClientBase[M]):
    env_prefix = "SERVICEHUB_DEMO_"

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = FAST,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
    ) -> None:
        engine = self._open_engine(
            base_url=base_url,
            auth=auth,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            retry=retry,
        )
        self._context = ClientContext(engine=engine, client_name=type(self).__name__)
        self.items: Items[M] = Items(self._context)


class DemoClient(_Demo[Sync], SyncClient):
    pass


class AsyncDemoClient(_Demo[Async], AsyncClient):
    pass


class DemoApp:
    """Items behind a bearer token; `tokens` is the token endpoint at `/token`."""

    def __init__(self, *, count: int = 25, lifetime: float = 3600) -> None:
        self.tokens = TokenEndpoint(
            clients={"demo-client": "demo-secret"},
            users={"alice": "wonderland"},
            lifetime=lifetime,
        )
        self.items = {i: {"id": i, "name": f"item {i}"} for i in range(1, count + 1)}
        self.created = 0
        self.lock = threading.Lock()
        self.last_headers: Mapping[str, str] = {}
        self.public = False

    def __call__(self, request: EmulatedRequest) -> EmulatedResponse:
        if request.path == "/token":
            return self.tokens(request)
        self.last_headers = request.headers
        if not self.public and self.tokens.check(request) is None:
            return EmulatedResponse.json({"message": "invalid or missing token"}, 401)
        if request.path == "/items" and request.method == "GET":
            page = int(request.arg("page", "0") or 0)
            size = int(request.arg("size", "10") or 10)
            ordered = sorted(self.items.values(), key=lambda i: i["id"])
            chunk = ordered[page * size : (page + 1) * size]
            return EmulatedResponse.json({"items": chunk, "total": len(ordered)})
        if request.path == "/items" and request.method == "POST":
            body = json.loads(request.body)
            with self.lock:
                self.created += 1
                new_id = max(self.items, default=0) + 1
                self.items[new_id] = {"id": new_id, "name": body["name"]}
            return EmulatedResponse.json(self.items[new_id], 201)
        if request.path.startswith("/items/"):
            item = self.items.get(int(request.path.rsplit("/", 1)[1]))
            if item is None:
                return EmulatedResponse.json({"message": "no such item", "code": "not_found"}, 404)
            return EmulatedResponse.json(item)
        if request.path == "/echo":
            return EmulatedResponse.json({"headers": dict(request.headers)})
        return EmulatedResponse.json({"message": "unknown path"}, 404)
