"""Recorded vendor artefacts, and mock transports that serve them to the SDK's clients.

An artefact is a JSON file under `fixtures/<backend>/` with its `source` (repository, path,
commit or URL, and a note of what it shows) and a list of `exchanges`, each an optional
`request` (what the vendor's own client sends) and an optional `response` (what the server
answered: `status`, `headers`, and `body` as JSON or `text`). Schema excerpts are text files
whose leading `#` lines carry the source.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
from pydantic import BaseModel

from tests.helpers import close

FIXTURES = Path(__file__).with_name("fixtures")
SOURCE_KEYS = ("repository", "path", "note")


@dataclass(frozen=True)
class Exchange:
    """One recorded request/answer pair; either side may be absent."""

    request: dict[str, Any]
    response: dict[str, Any]

    @property
    def body(self) -> Any:
        """The recorded answer's JSON body (or its text)."""
        return self.response.get("body", self.response.get("text"))

    def http_response(self) -> httpx.Response:
        """The recorded answer as an `httpx.Response`."""
        return answer(
            self.response.get("status", 200),
            body=self.response.get("body"),
            text=self.response.get("text"),
            headers=self.response.get("headers"),
        )


@dataclass(frozen=True)
class Artefact:
    """A fixture file: where it comes from and the exchanges it holds."""

    path: Path
    source: dict[str, Any]
    exchanges: list[Exchange]

    @property
    def first(self) -> Exchange:
        return self.exchanges[0]

    @property
    def body(self) -> Any:
        return self.first.body


def load(backend: str, name: str) -> Artefact:
    """The artefact `fixtures/<backend>/<name>.json`."""
    path = FIXTURES / backend / f"{name}.json"
    data = json.loads(path.read_text("utf-8"))
    exchanges = [Exchange(e.get("request", {}), e.get("response", {})) for e in data["exchanges"]]
    return Artefact(path, data["source"], exchanges)


def text(backend: str, name: str) -> str:
    """A text artefact (a schema excerpt), its source comment lines included."""
    return (FIXTURES / backend / name).read_text("utf-8")


def artefact_files() -> list[Path]:
    """Every fixture file of every backend."""
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file())


def answer(
    status: int = 200,
    *,
    body: Any = None,
    text: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """A response with a JSON `body`, or a `text` body."""
    if text is not None:
        return httpx.Response(status, text=text, headers=headers)
    if body is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


Responder = httpx.Response | Callable[[httpx.Request], httpx.Response]


@dataclass
class Replay:
    """Serves recorded answers by route and keeps every request the SDK sent.

    `routes` maps a text found in `"METHOD /path"` to one answer or a list of answers served
    in turn (the last one repeats). The first matching route wins; a request no route matches
    gets a 599 answer and is listed in `unexpected`.
    """

    routes: dict[str, Responder | list[Responder]]
    requests: list[httpx.Request] = field(default_factory=list)
    unexpected: list[httpx.Request] = field(default_factory=list)
    _served: dict[str, int] = field(default_factory=dict)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        line = f"{request.method} {request.url.path}"
        for key, responders in self.routes.items():
            if key not in line:
                continue
            choices = responders if isinstance(responders, list) else [responders]
            index = self._served.get(key, 0)
            self._served[key] = index + 1
            chosen = choices[min(index, len(choices) - 1)]
            response = chosen(request) if callable(chosen) else chosen
            # A response object is served once per stream; copy it for repeats.
            return httpx.Response(
                response.status_code, headers=response.headers, content=response.content
            )
        self.unexpected.append(request)
        return httpx.Response(599, text=f"no recorded answer for {line}")

    def serve(self, route: str, backend: str, *names: str) -> None:
        """Answer `route` with the recorded answers of these artefacts, in turn."""
        self.routes[route] = [load(backend, name).first.http_response() for name in names]

    def http_client(self, mode: str) -> httpx.Client | httpx.AsyncClient:
        """An `httpx.Client` (sync) or `httpx.AsyncClient` (async) on this replay."""
        transport = httpx.MockTransport(self.handle)
        if mode == "sync":
            return httpx.Client(transport=transport)
        return httpx.AsyncClient(transport=transport)

    def sent(self, text: str) -> list[httpx.Request]:
        """The requests whose `"METHOD /path"` contains `text`."""
        return [r for r in self.requests if text in f"{r.method} {r.url.path}"]


@asynccontextmanager
async def client_on(
    replay: Replay, mode: str, classes: tuple[type[Any], type[Any]], **config: Any
) -> AsyncIterator[Any]:
    """The sync (`classes[0]`) or async (`classes[1]`) client on this replay, without retries;
    closed with its `httpx` client afterwards. A block that ends normally must not have sent
    anything the replay has no answer for."""
    http = replay.http_client(mode)
    client = classes[mode != "sync"](max_retries=0, http_client=http, **config)
    try:
        yield client
        unanswered = [f"{r.method} {r.url}" for r in replay.unexpected]
        assert not unanswered, f"requests without a recorded answer: {unanswered}"
    finally:
        await close(client)
        await close(http)


def kept(model: BaseModel) -> dict[str, Any]:
    """What a read model kept of an answer, as wire JSON: declared fields under their wire
    names and unknown fields as sent (whether a field is declared or extra does not matter)."""
    return model.model_dump(mode="json", by_alias=True)


def form(request: httpx.Request) -> dict[str, str]:
    """A form-encoded request body as a dict (one value per field)."""
    fields = parse_qs(request.content.decode("utf-8"), keep_blank_values=True)
    return {k: v[0] for k, v in fields.items()}


def json_body(request: httpx.Request) -> Any:
    return json.loads(request.content.decode("utf-8"))


def lower_keys(headers: Iterable[str]) -> set[str]:
    return {h.lower() for h in headers}
