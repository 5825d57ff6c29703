"""The sans-I/O description of one HTTP exchange.

A backend describes each operation as one or more `Call` values: what to send and how to read
the answer. The sync and async engines in `core.http` run them; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Generic, Self, TypedDict, TypeVar

import httpx

from ._errors import ResponseValidationError

if TYPE_CHECKING:
    from ._singleflight import SingleFlight

__all__ = [
    "IDEMPOTENT_METHODS",
    "USE_CLIENT_AUTH",
    "Call",
    "CallOptions",
    "Flow",
    "ListOptions",
    "Step",
    "flow_of",
]

T = TypeVar("T")
U = TypeVar("U")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class _UseClientAuth:
    def __repr__(self) -> str:
        return "USE_CLIENT_AUTH"


USE_CLIENT_AUTH: Any = _UseClientAuth()
"""Marker for `Call.auth`: authenticate with the client's own strategy (the default)."""


class CallOptions(TypedDict, total=False):
    """Per-call overrides every operation accepts as keyword arguments.

    Attributes:
        timeout: seconds for this call (an `httpx.Timeout` for finer control).
        max_retries: retries for this call; `0` disables them.
        extra_headers: headers added to this call's requests.
    """

    timeout: float | httpx.Timeout
    max_retries: int
    extra_headers: Mapping[str, str]


class ListOptions(CallOptions, total=False):
    """Per-call overrides of listings: those of `CallOptions`, plus

    Attributes:
        progress: show a progress bar (needs the `progress` extra, tqdm).
    """

    progress: bool


CALL_OPTION_KEYS = frozenset(CallOptions.__annotations__)


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One request to send and how to read its answer.

    Attributes:
        method: HTTP method.
        url: a path relative to the client's base URL, or an absolute URL.
        parse: turns a successful (2xx) `httpx.Response` into the result. It may raise
            any `ServiceHubError` (for failures reported inside a 200 envelope); other
            exceptions it raises become `ResponseValidationError`.
        params, headers, json, data, files, content: as for `httpx.Client.request`.
        idempotent: whether repeating the request is harmless; by default true for GET,
            HEAD, OPTIONS, PUT and DELETE. Non-idempotent calls are retried only when the
            request provably never left the machine.
        auth: an `httpx.Auth` for this call only, `None` for none, or the client's.
        name: the vendor's name for the operation, used in logs and errors.
        single_flight: the `SingleFlight` that holds this call's result (a session): the
            call is sent only when it holds no usable result and no other caller is sending
            it; everyone else waits for that caller and shares its outcome.
        max_response_bytes: the most bytes this answer may have, when not the client's
            `max_response_bytes` (a download's own bound).
    """

    method: str
    url: str
    parse: Callable[[httpx.Response], T]
    params: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None
    json: Any = None
    data: Mapping[str, Any] | None = None
    files: Any = None
    content: bytes | None = None
    idempotent: bool | None = None
    auth: Any = field(default=USE_CLIENT_AUTH)
    name: str | None = None
    single_flight: SingleFlight[T] | None = None
    max_response_bytes: int | None = None

    @property
    def is_idempotent(self) -> bool:
        if self.idempotent is not None:
            return self.idempotent
        return self.method.upper() in IDEMPOTENT_METHODS

    def with_parse(self, parse: Callable[[httpx.Response], U]) -> Call[U]:
        """The same request, read by another parser."""
        return Call(
            self.method,
            self.url,
            parse,
            params=self.params,
            headers=self.headers,
            json=self.json,
            data=self.data,
            files=self.files,
            content=self.content,
            idempotent=self.idempotent,
            auth=self.auth,
            name=self.name,
            max_response_bytes=self.max_response_bytes,
        )

    def replace(self, **changes: Any) -> Self:
        """`dataclasses.replace` for calls, at a fraction of its cost (flows copy calls on
        the way to the engine). Unknown names raise `TypeError` as there; `Call` and its
        subclasses define no `__post_init__` to re-run."""
        cls: type[Any] = type(self)
        names = _field_names(cls)
        for name in changes:
            if name not in names:
                raise TypeError(f"{cls.__name__} has no field {name!r}")
        clone: Self = object.__new__(cls)
        for name in names:
            _set(clone, name, changes[name] if name in changes else getattr(self, name))
        return clone

    def then(self, fn: Callable[[T], U]) -> Call[U]:
        """The same request, with `fn` applied to the parsed result."""
        parse = self.parse
        return self.with_parse(lambda response: fn(parse(response)))

    def creating(self, id_attribute: str = "id") -> Call[T]:
        """The same create, refusing an answer that does not say what was created.

        A create answered without the new object's id (an empty `201`, no `Location`) raises
        `ResponseValidationError` with `may_have_been_applied=True` instead of returning an
        object without an id: the server may have created it, so look before repeating it.
        """
        parse = self.parse
        name = self.name or f"{self.method} {self.url}"

        def parse_created(response: httpx.Response) -> T:
            created = parse(response)
            if getattr(created, id_attribute, None) in (None, ""):
                error = ResponseValidationError(
                    f"{name}: the server answered without the id of what it created",
                    response=response,
                )
                error.may_have_been_applied = True
                raise error
            return created

        return self.replace(parse=parse_created)


_set = object.__setattr__

_FIELDS: dict[type[Any], dict[str, None]] = {}


def _field_names(cls: type[Any]) -> dict[str, None]:
    """The dataclass fields of a `Call` class, in order (a dict: ordered, fast `in`)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = dict.fromkeys(f.name for f in fields(cls))
    return names


Flow = Generator[Call[Any], Any, T]
"""An operation of several exchanges: a generator yielding `Call`s and receiving their results
(or having their errors thrown in), returning the operation's result. A flow that needs
nothing from the server (a plan already known) returns without yielding."""

Step = Call[T] | Callable[[], Flow[T]]
"""How a result is fetched: one `Call`, or a function starting a fresh flow (a page that
needs a plan first). Pagers run a listing's first step again on every iteration."""


def flow_of(step: Call[T] | Flow[T]) -> Flow[T]:
    """`step` as a flow: `result = yield from flow_of(call_or_flow)` inside another flow."""
    if isinstance(step, Call):
        result: T = yield step
        return result
    return (yield from step)


def start(step: Step[T]) -> Flow[T]:
    """A fresh flow of `step` (a `Call`, or a function starting a flow)."""
    return flow_of(step if isinstance(step, Call) else step())
