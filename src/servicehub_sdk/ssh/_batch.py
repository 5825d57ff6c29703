"""Many operations in one GraphQL document: each under its own alias, each with its own result.

`run_batch` drives many operations (single calls, or flows such as `upsert` that look up and
then write) side by side. Whenever several of them wait on a root field, those fields go out
together, `r0: createCustomer(...) {...} r1: createCustomer(...) {...}`, at most `batch_size`
per document, each printed by the client's `Plan` like a single call. The answer is read per
alias; the GraphQL specification runs a mutation's root fields serially, in order, so every
operation settles exactly:

- its alias has a value: that is its result;
- an error's `path` names its alias: it failed (nothing written for it);
- `data` is `null` because a non-null field failed (`createCustomer: Customer!`): the aliases
  before the failing one were applied, but their results are lost (`applied`); the ones
  after it never ran (`not_run`), and are sent again in a later document unless told not to;
- the document as a whole failed after it may have reached the server (a timeout, a 5xx): the
  outcome of its writes is `unknown`; it is never sent again, and the operations not yet sent
  are reported `not_run`.

A server that refuses a document as a whole before running it (HTTP 413, a 400 or 422 whose
errors name no alias, an answer without `data`: complexity or field-count limits) gets the
same operations again in two halves, down to one per document; the size it accepted is then
remembered by the client (and its `with_options` copies) and logged once.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, TypeVar, Unpack, cast

import httpx

from ..core._client import operation
from ..core._errors import (
    APIStatusError,
    GraphQLError,
    RequestValidationError,
    ResponseValidationError,
    ServiceHubError,
)
from ..core._jsonbody import read_json
from ..core._request import Call, CallOptions, Flow
from ._graphql import (
    FieldCall,
    FieldRequest,
    Plan,
    PrintedField,
    answer_errors,
    wrap,
)

if TYPE_CHECKING:
    from ._context import SSHContext

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "AppliedWithoutResult",
    "BatchLimit",
    "BatchResult",
    "BatchResults",
    "BatchStatus",
    "NotRunError",
    "created_id",
    "plan_of",
    "run_batch",
    "run_many",
    "send_printed",
]

logger = logging.getLogger("servicehub_sdk.ssh")

T = TypeVar("T")

DEFAULT_BATCH_SIZE = 50
"""Operations per document unless told otherwise: small enough for common complexity limits
(and for one failing create to hold up few others), large enough that latency stops
dominating (see docs/performance.md)."""

BatchStatus = Literal["ok", "applied", "failed", "unknown", "not_run"]


class AppliedWithoutResult(GraphQLError):
    """The operation was applied, but the answer carries no result for it: a later operation
    of the same document failed on a non-null field, which nulls the whole `data`."""


class NotRunError(ServiceHubError):
    """The operation was never executed: a document before it failed as a whole, or (with
    `resend_not_run=False`) an earlier operation of its document failed on a non-null field."""


@dataclass(frozen=True, slots=True)
class BatchResult(Generic[T]):
    """What became of one operation of a batch.

    Attributes:
        index: its position in the input.
        key: what identifies it (the external ID, or the service case ID).
        status: `ok` (done, result in `value`), `applied` (done, but the answer lost its
            result), `failed` (the server refused it: nothing written), `unknown` (sent in a
            document whose answer never came: it may have been applied) or `not_run`
            (never executed: send it again).
        value: the result when `ok`.
        error: why it is not `ok` (an SDK error with `message`, and for GraphQL errors the
            server's `errors` with their `path`).
        may_have_been_applied: whether its write was (or may have been) carried out: `True`
            for `applied` and `unknown`, and for `ok` when it wrote; `False` for `failed` and
            `not_run`, and for reads.
    """

    index: int
    key: str | None
    status: BatchStatus
    value: T | None = None
    error: ServiceHubError | None = None
    may_have_been_applied: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def __repr__(self) -> str:
        what = f"error={self.error.message!r}" if self.error else f"value={self.value!r}"
        return f"<BatchResult {self.index} {self.key!r} {self.status} {what}>"


class BatchResults(list[BatchResult[T]]):
    """One `BatchResult` per input operation, in input order."""

    @property
    def succeeded(self) -> list[BatchResult[T]]:
        """The operations that were carried out: `ok` and `applied`."""
        return [r for r in self if r.status in ("ok", "applied")]

    @property
    def failed(self) -> list[BatchResult[T]]:
        """The operations that were not carried out, or may not have been: `failed`,
        `unknown` and `not_run`. Those with `may_have_been_applied` (`unknown`) need a look
        before they are sent again (`upsert_many` looks first)."""
        return [r for r in self if r.status not in ("ok", "applied")]

    @property
    def counts(self) -> dict[str, int]:
        """How many operations per status."""
        found: dict[str, int] = {}
        for result in self:
            found[result.status] = found.get(result.status, 0) + 1
        return found

    def values(self) -> list[T | None]:
        """The results, `None` where an operation is not `ok`."""
        return [r.value for r in self]

    def by_key(self) -> dict[str | None, BatchResult[T]]:
        """The results by key (the last one wins where keys repeat)."""
        return {r.key: r for r in self}


class BatchLimit:
    """The most operations per document a server has accepted after refusing more.

    One per client, shared with its `with_options` copies; `None` until a refusal.
    """

    def __init__(self) -> None:
        self.size: int | None = None
        self._lock = threading.Lock()
        self._logged = False

    def cap(self, wanted: int) -> int:
        return wanted if self.size is None else max(1, min(wanted, self.size))

    def accepted(self, size: int, refused: int, reason: str) -> None:
        """Documents of up to `size` are being accepted after one of `refused` was refused."""
        with self._lock:
            if self.size is not None and self.size <= size:
                return
            self.size = size
            first, self._logged = not self._logged, True
        log = logger.warning if first else logger.info
        log(
            "Secure Service Hub refused a document of %d operations (%s); this client sends "
            "at most %d per document from now on",
            refused,
            reason,
            size,
        )


Step = FieldRequest[Any] | PrintedField | Flow[Any]
"""One operation of a batch: a root field to send (or one printed already against the
client's plan), or a flow (an upsert looks up, then writes) whose root fields are batched
with the others'."""


class _Field(NamedTuple):
    """A single root field of the batch (not inside a flow), waiting for its document."""

    printed: PrintedField
    name: str
    is_idempotent: bool


@dataclass(slots=True)
class _Op:
    index: int
    key: str | None
    flow: Flow[Any] | None  # `None` for a single root field: its value is the result
    pending: Call[Any] | _Field | None = None
    field: PrintedField | None = None  # what `pending` sends, when it can share a document
    wrote: bool = False
    result: BatchResult[Any] | None = None


@dataclass
class _Answer:
    """A batched document's answer, read per alias."""

    refused: str | None = None  # why, when the server refused the document as a whole
    outcomes: list[tuple[str, Any]] = field(default_factory=list)
    response: httpx.Response | None = None


def _start(plan: Plan, index: int, key: str | None, step: Step | ServiceHubError) -> _Op:
    if isinstance(step, PrintedField):
        name = f"Secure Service Hub {step.field}"
        return _Op(index, key, None, _Field(step, name, step.kind != "mutation"), step)
    if isinstance(step, ServiceHubError):
        return _Op(index, key, None, result=_failure(index, key, step, wrote=False))
    if isinstance(step, FieldRequest):  # printed here, as `SSHContext.send` would
        try:
            printed = step.printed(plan)
        except ServiceHubError as exc:
            return _Op(index, key, None, result=_failure(index, key, exc, wrote=False))
        return _Op(index, key, None, _Field(printed, step.name, step.is_idempotent), printed)
    op = _Op(index, key, step)
    _advance(op, lambda: next(step))
    return op


def _advance(op: _Op, step: Any) -> None:
    """Run `op`'s flow up to its next call (`step` sends or throws into it)."""
    try:
        call = op.pending = step()
        op.field = call.printed if isinstance(call, FieldCall) else None
    except StopIteration as stop:
        op.pending = op.field = None
        op.result = BatchResult(op.index, op.key, "ok", stop.value, None, op.wrote)
    except ServiceHubError as exc:
        op.pending = op.field = None
        op.result = _failure(op.index, op.key, exc, wrote=op.wrote)


def _failure(index: int, key: str | None, exc: ServiceHubError, *, wrote: bool) -> BatchResult[Any]:
    status: BatchStatus
    if isinstance(exc, AppliedWithoutResult):
        status = "applied"
    elif isinstance(exc, NotRunError):
        status = "not_run"
    elif exc.may_have_been_applied:
        status = "unknown"
    else:
        status = "failed"
    applied = status in ("applied", "unknown") or (wrote and status != "not_run")
    return BatchResult(index, key, status, None, exc, applied)


def _send(op: _Op, value: Any) -> None:
    flow = op.flow
    if flow is not None:
        _advance(op, lambda: flow.send(value))
    elif op.pending is not None:
        op.pending = op.field = None
        op.result = BatchResult(op.index, op.key, "ok", value, None, op.wrote)


def _throw(op: _Op, exc: ServiceHubError) -> None:
    flow = op.flow
    if flow is not None:
        _advance(op, lambda: flow.throw(exc))
    elif op.pending is not None:
        op.pending = op.field = None
        op.result = _failure(op.index, op.key, exc, wrote=op.wrote)


def _not_run(op: _Op, exc: ServiceHubError) -> None:
    if op.flow is not None:
        op.flow.close()
    op.pending = op.field = None
    op.result = BatchResult(op.index, op.key, "not_run", None, exc, op.wrote)


def run_batch(
    context: SSHContext,
    steps: Iterable[Step | ServiceHubError],
    keys: Sequence[str | None],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    resend_not_run: bool = True,
) -> Flow[BatchResults[Any]]:
    """Run `steps` (root fields, flows, or errors already known) side by side on the client
    of `context`, their root fields batched into documents of at most `batch_size` (and the
    client's `BatchLimit`) aliases; one `BatchResult` per step, in order."""
    if batch_size < 1:
        raise RequestValidationError("batch_size must be at least 1")
    plan = yield from context.plan()  # known from here on: no step waits for it
    ops = [_start(plan, i, keys[i], step) for i, step in enumerate(steps)]
    while True:
        waiting = [op for op in ops if op.pending is not None]
        if not waiting:
            break
        alone = [op for op in waiting if op.field is None]
        for op in alone:
            try:
                value = yield cast("Call[Any]", op.pending)
            except ServiceHubError as exc:
                _throw(op, exc)
            else:
                _send(op, value)
        if alone:
            continue
        failure: ServiceHubError | None = None
        for kind in ("query", "mutation"):
            group = [op for op in waiting if (f := op.field) is not None and f.kind == kind]
            if group:
                failure = yield from _send_group(
                    group, context.batching, batch_size, resend_not_run
                )
            if failure is not None:
                break
        if failure is not None:
            reason = NotRunError(f"not sent: an earlier document failed: {failure.message}")
            for op in ops:
                if op.pending is not None:
                    _not_run(op, reason)
    return BatchResults(cast("BatchResult[Any]", op.result) for op in ops)


def _send_group(
    group: list[_Op], limit: BatchLimit, batch_size: int, resend_not_run: bool
) -> Flow[ServiceHubError | None]:
    """Send the root fields `group` waits on, all of one kind; the whole-document failure that
    stops the batch, if any."""
    cap = limit.cap(batch_size)
    queue = deque(group[i : i + cap] for i in range(0, len(group), cap))
    refused_size = 0
    refusal = ""
    while queue:
        chunk = queue.popleft()
        if len(chunk) > cap:
            queue.extendleft(reversed([chunk[i : i + cap] for i in range(0, len(chunk), cap)]))
            continue
        call = _document_call(chunk)
        try:
            answer: _Answer = yield call
        except ServiceHubError as exc:
            reason = _refusal(exc)
            if reason is None:
                if not call.json["query"].startswith("mutation"):
                    exc.may_have_been_applied = False  # lookups write nothing
                for op in chunk:
                    _throw(op, exc)
                return exc
            if len(chunk) == 1:  # refused for what it says, not for its size
                _throw(chunk[0], exc)
                continue
            answer = _Answer(refused=reason)
        if answer.refused is not None and len(chunk) > 1:
            refused_size, refusal = len(chunk), answer.refused
            cap = (len(chunk) + 1) // 2
            queue.extendleft([chunk[cap:], chunk[:cap]])
            continue
        if answer.refused is not None:
            _throw(chunk[0], GraphQLError(answer.refused, errors=[{"message": answer.refused}]))
            continue
        if refused_size:
            limit.accepted(cap, refused_size, refusal)
        _settle(chunk, answer, resend_not_run)
    return None


def _document_call(chunk: list[_Op]) -> Call[_Answer]:
    """One document of the root fields `chunk` waits on, each under its alias (`r0`, …)."""
    fields = cast("list[PrintedField]", [op.field for op in chunk])
    calls = cast("list[Call[Any] | _Field]", [op.pending for op in chunk])
    kind = fields[0].kind
    document = wrap(kind, "\n".join(f"r{i}: {f.text}" for i, f in enumerate(fields)))
    names = sorted({f.field for f in fields})
    name = f"Secure Service Hub batch of {len(calls)} ({', '.join(names)})"
    aliases = [f"r{i}" for i in range(len(calls))]
    return Call(
        "POST",
        "",
        json={"query": document},
        parse=lambda response: _read(response, aliases, kind == "mutation", name),
        idempotent=all(c.is_idempotent for c in calls),
        name=name,
    )


def _refusal(exc: ServiceHubError) -> str | None:
    """Why the server refused a document as a whole before running it, or `None`."""
    if not isinstance(exc, APIStatusError):
        return None
    if exc.status_code == 413:
        return "HTTP 413"
    if exc.status_code not in (400, 422):
        return None
    errors = exc.body.get("errors") if isinstance(exc.body, dict) else None
    if isinstance(errors, list) and any(isinstance(e, dict) and e.get("path") for e in errors):
        return None
    return f"HTTP {exc.status_code}: {exc.backend_message or exc.message}"


def _read(response: httpx.Response, aliases: list[str], mutation: bool, name: str) -> _Answer:
    body = read_json(response, name=name, expect=dict)
    errors = answer_errors(body)
    if "data" not in body:
        first = errors[0].get("message", "no data") if errors else "no data"
        return _Answer(refused=str(first), response=response)
    data = body["data"]
    by_alias: dict[str, list[dict[str, Any]]] = {}
    unplaced = []
    for error in errors:
        path = error.get("path")
        if isinstance(path, list) and path and path[0] in aliases:
            by_alias.setdefault(str(path[0]), []).append(error)
        else:
            unplaced.append(error)

    def error_of(found: list[dict[str, Any]], applied: bool) -> GraphQLError:
        message = str(found[0].get("message", "unknown error"))
        return GraphQLError(
            f"{name} failed: {message}",
            errors=found,
            data=data,
            response=response,
            may_have_been_applied=applied,
        )

    outcomes: list[tuple[str, Any]] = []
    if isinstance(data, dict):
        for alias in aliases:
            value = data.get(alias)
            if alias in by_alias and value is None:
                outcomes.append(("error", error_of(by_alias[alias], False)))
            elif value is None and unplaced:
                outcomes.append(("error", error_of(unplaced, mutation)))
            elif alias in data:
                outcomes.append(("value", value))
            else:
                missing = ResponseValidationError(
                    f"{name}: the answer has no {alias!r}", response=response
                )
                missing.may_have_been_applied = mutation
                outcomes.append(("error", missing))
        return _Answer(outcomes=outcomes, response=response)
    failing = [aliases.index(alias) for alias in by_alias]
    if not failing:
        found = errors or [{"message": "the answer has neither data nor errors"}]
        return _Answer(
            outcomes=[("error", error_of(found, mutation)) for _ in aliases], response=response
        )
    first = min(failing)
    for position, alias in enumerate(aliases):
        if alias in by_alias:
            outcomes.append(("error", error_of(by_alias[alias], False)))
        elif position < first and mutation:
            lost = AppliedWithoutResult(
                f"{name}: applied, but its result was lost when {aliases[first]} failed: "
                f"{by_alias[aliases[first]][0].get('message')}",
                errors=by_alias[aliases[first]],
                response=response,
                may_have_been_applied=True,
            )
            outcomes.append(("applied", lost))
        else:
            outcomes.append(("not_run", aliases[first]))
    return _Answer(outcomes=outcomes, response=response)


def _settle(chunk: list[_Op], answer: _Answer, resend_not_run: bool) -> None:
    response = cast(httpx.Response, answer.response)
    for op, (outcome, payload) in zip(chunk, answer.outcomes, strict=True):
        call = cast("Call[Any] | _Field", op.pending)
        spec = cast(PrintedField, op.field)
        mutation = spec.kind == "mutation"
        if outcome == "not_run":
            if not resend_not_run:
                _not_run(
                    op,
                    NotRunError(
                        f"{call.name}: not executed: {payload} failed before it",
                        may_have_been_applied=False,
                    ),
                )
            continue  # still pending: sent again with the next document
        if outcome == "value":
            try:
                value = spec.read(payload, response)
            except ServiceHubError as exc:
                _throw(op, exc)
                continue
            except Exception as exc:
                unreadable = ResponseValidationError(
                    f"{call.name}: the answer could not be read ({type(exc).__name__})",
                    response=response,
                )
                unreadable.may_have_been_applied = mutation
                op.wrote = op.wrote or mutation
                _throw(op, unreadable)
                continue
            op.wrote = op.wrote or mutation
            _send(op, value)
            continue
        if outcome == "applied":
            op.wrote = True
        _throw(op, payload)


def created_id(value: Any, response: httpx.Response) -> str:
    """The `id` of a record a mutation created, read from its `{ id externalId }` selection
    (`Created`): for bulk writes whose caller needs their outcome, not the record."""
    record_id = value.get("id") if isinstance(value, dict) else None
    if record_id is None or isinstance(record_id, (dict, list, bool)):
        unreadable = ResponseValidationError(
            f"the answer has no id for the record created: {value!r:.200}", response=response
        )
        unreadable.may_have_been_applied = True  # the mutation ran; only its answer is unreadable
        raise unreadable
    return str(record_id)


def or_error(make: Callable[[], Step]) -> Step | ServiceHubError:
    """`make()`, or the `ServiceHubError` it raised (so that one bad input fails alone)."""
    try:
        return make()
    except ServiceHubError as exc:
        return exc


def checked(
    model: type[Any], items: Iterable[Any], *, key: str = "external_id"
) -> tuple[list[Any], list[str | None]]:
    """Each item validated into `model`, or the `RequestValidationError` it raised (so that
    it fails alone); and each item's key, read from `key` (or its camelCase alias)."""
    from ..core._models import validate_input

    values: list[Any] = []
    keys: list[str | None] = []
    camel = key.split("_")[0] + "".join(part.title() for part in key.split("_")[1:])
    for item in items:
        try:
            value = validate_input(model, item)
        except RequestValidationError as exc:
            values.append(exc)
            raw = item.get(key, item.get(camel)) if isinstance(item, dict) else None
            keys.append(None if raw is None else str(raw))
            continue
        values.append(value)
        found = getattr(value, key, None)
        keys.append(None if found is None else str(found))
    return values, keys


def run_many(
    context: SSHContext,
    model: type[Any],
    items: Iterable[Any],
    make: Callable[[Any], Step],
    batch_size: int,
) -> Flow[BatchResults[Any]]:
    """`make(item)` for every item validated into `model` (an invalid one fails alone), run
    as a batch on the client of `context`."""
    values, keys = checked(model, items)
    steps = [v if isinstance(v, ServiceHubError) else make(v) for v in values]
    return (yield from run_batch(context, steps, keys, batch_size=batch_size))


@operation
def plan_of(owner: Any) -> Flow[Plan]:
    """The plan the client of `owner` (a Secure Service Hub client or resource) builds its
    documents against: the server's schema, asked by introspection on first use."""
    context: SSHContext = owner._context
    return (yield from context.plan())


@operation
def send_printed(
    owner: Any,
    fields: Sequence[PrintedField],
    keys: Sequence[str | None],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    **options: Unpack[CallOptions],
) -> Flow[BatchResults[Any]]:
    """Send root fields printed beforehand against the plan of `owner`'s client (`plan_of`),
    `batch_size` per document, as `run_batch` sends any: one `BatchResult` per field, in
    order, keyed by `keys`. For bulk writes that print their records while planning them."""
    return (yield from run_batch(owner._context, fields, keys, batch_size=batch_size))
