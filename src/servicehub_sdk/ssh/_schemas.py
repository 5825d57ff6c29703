"""Which schema a Secure Service Hub client builds its documents against.

On first use a client asks the server for its schema by introspection (one request per client,
however many threads or tasks start at once) and builds every document against the answer.
A schema pinned by the user (`schema="bundled"` or SDL text) skips the question; a server that
refuses introspection leaves the client on the bundled, document-derived schema. Differences
between the bundled and the live schema are logged once and listed by `schema_report()`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING, Any

import httpx

from ..core._errors import (
    BadRequestError,
    ConfigurationError,
    GraphQLError,
    UnprocessableError,
)
from ..core._http import AsyncEngine, SyncEngine
from ..core._request import Call, CallOptions
from ._graphql import (
    GraphQLCall,
    Plan,
    PlanRequest,
    bundled_plan,
    load_schema,
    read_data,
)

if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")

__all__ = [
    "BUNDLED",
    "HubAsyncEngine",
    "HubSyncEngine",
    "SchemaReport",
    "SchemaState",
    "schema_differences",
]

logger = logging.getLogger("servicehub_sdk.ssh")

BUNDLED = ("bundled", "document")
"""The values of `schema=` that pin the bundled, document-derived schema."""

# What a server that does not answer introspection says. Anything else (no connection, bad
# credentials, a proxy's error page) is raised and the question asked again next time.
_REFUSALS = (GraphQLError, BadRequestError, UnprocessableError)


@functools.cache
def _introspection_query() -> str:
    from graphql import get_introspection_query

    return get_introspection_query(descriptions=False)


class NotASchema(GraphQLError):
    """An introspection answer that is JSON but no schema: taken as a refusal."""


def introspection_call() -> Call[Plan]:
    """The introspection query (`__schema`); its answer becomes the live plan."""

    def parse(response: httpx.Response) -> Plan:
        from graphql import build_client_schema

        data = read_data(response, name="Secure Service Hub introspection")
        try:
            schema = build_client_schema(data)  # type: ignore[arg-type]
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise NotASchema(
                f"Secure Service Hub introspection: the answer is no schema ({exc})",
                errors=[{"message": str(exc)}],
                response=response,
            ) from None
        return Plan(schema, "live")

    return Call(
        "POST",
        "",
        json={"query": _introspection_query()},
        parse=parse,
        idempotent=True,
        name="Secure Service Hub introspection",
    )


def pinned_plan(schema: str | None) -> Plan | None:
    """The plan for `schema=`: `None` (ask the server), `"bundled"`/`"document"`, or SDL."""
    if schema is None:
        return None
    if schema in BUNDLED:
        return bundled_plan()
    return _sdl_plan(schema)


@functools.lru_cache(maxsize=8)
def _sdl_plan(sdl: str) -> Plan:
    from graphql import GraphQLError as SyntaxOrSchemaError
    from graphql import build_schema

    try:
        return Plan(build_schema(sdl), "pinned")
    except (SyntaxOrSchemaError, TypeError) as exc:
        raise ConfigurationError(f"schema= is not GraphQL SDL: {exc}") from None


@dataclass(frozen=True)
class SchemaReport:
    """Which schema a client builds its documents against, and how it differs from the
    bundled, document-derived one.

    Attributes:
        source: `"live"` (the server's, by introspection), `"pinned"` (SDL given as
            `schema=`), `"bundled"` (`schema="bundled"`) or `"bundled (introspection
            refused)"`.
        differences: one line per difference, e.g. `"ServiceCase.priority: String here, Int
            live"`; empty when the bundled schema fits.
    """

    source: str
    differences: list[str] = dataclass_field(default_factory=list)


class SchemaState:
    """The plan of one client (shared with its `with_options` copies).

    Attributes:
        plan: the plan once known (at once when pinned).
        report: the differences between the bundled schema and the one in use.
        lock: held by the thread asking the server (others wait for its answer).
    """

    def __init__(self, schema: str | None) -> None:
        self.plan: Plan | None = pinned_plan(schema)
        self.report: list[str] = [] if self.plan is None else self._compare(self.plan)
        self.lock = threading.Lock()
        self._async_lock: asyncio.Lock | None = None

    def settle(self, plan: Plan) -> Plan:
        self.report = self._compare(plan)
        if self.report:
            logger.warning(
                "Secure Service Hub: the %s schema differs from the bundled one: %s",
                plan.source,
                "; ".join(self.report),
            )
        self.plan = plan
        return plan

    @staticmethod
    def _compare(plan: Plan) -> list[str]:
        return [] if plan is bundled_plan() else schema_differences(load_schema(), plan.schema)

    def summary(self, plan: Plan) -> SchemaReport:
        return SchemaReport(plan.source, list(self.report))

    def async_lock(self) -> asyncio.Lock:
        with self.lock:
            if self._async_lock is None:
                self._async_lock = asyncio.Lock()
            return self._async_lock

    def refused(self, exc: Exception) -> Plan:
        logger.info(
            "Secure Service Hub refused introspection (%s); using the bundled schema",
            type(exc).__name__,
        )
        return self.settle(Plan(load_schema(), "bundled (introspection refused)"))


class HubSyncEngine(SyncEngine):
    """`SyncEngine` that builds GraphQL calls against the client's schema."""

    schemas: SchemaState

    def plan(self, options: CallOptions | None = None) -> Plan:
        """The client's plan, asking the server once (threads wait for the first asker)."""
        state = self.schemas
        if state.plan is not None:
            return state.plan
        with state.lock:
            if state.plan is not None:
                return state.plan
            try:
                live = super().execute(introspection_call(), options)
            except _REFUSALS as exc:
                return state.refused(exc)
            return state.settle(live)

    def execute(self, call: Call[T], options: CallOptions | None = None) -> T:
        if isinstance(call, GraphQLCall) and call.build is not None:
            bound: Call[T] = call.bind(self.plan(options))
            return super().execute(bound, options)
        if isinstance(call, PlanRequest):
            return self.plan(options)  # type: ignore[return-value]
        return super().execute(call, options)


class HubAsyncEngine(AsyncEngine):
    """`AsyncEngine` that builds GraphQL calls against the client's schema."""

    schemas: SchemaState

    async def plan(self, options: CallOptions | None = None) -> Plan:
        """The client's plan, asking the server once (tasks wait for the first asker)."""
        state = self.schemas
        if state.plan is not None:
            return state.plan
        async with state.async_lock():
            if state.plan is not None:
                return state.plan
            try:
                live = await super().execute(introspection_call(), options)
            except _REFUSALS as exc:
                return state.refused(exc)
            return state.settle(live)

    async def execute(self, call: Call[T], options: CallOptions | None = None) -> T:
        if isinstance(call, GraphQLCall) and call.build is not None:
            bound: Call[T] = call.bind(await self.plan(options))
            return await super().execute(bound, options)
        if isinstance(call, PlanRequest):
            return await self.plan(options)  # type: ignore[return-value]
        return await super().execute(call, options)


def schema_differences(bundled: Any, live: Any) -> list[str]:
    """What the SDK relies on in the bundled schema that `live` has otherwise.

    Walks the root fields of the bundled schema, their arguments and input objects, and the
    fields of the types they return; reports missing fields and arguments, arguments or input
    fields the live schema requires that the bundled one lacks, and leaf types that differ.
    """
    from graphql import get_named_type, is_leaf_type, is_non_null_type

    found: list[str] = []
    seen: set[str] = set()

    def leaf(type_: Any) -> str | None:
        named = get_named_type(type_)
        return named.name if is_leaf_type(named) else None

    def compare_fields(where: str, ours: Any, theirs: Any, inputs: bool) -> None:
        if where in seen:
            return
        seen.add(where)
        their_fields = getattr(theirs, "fields", None) or {}
        for name, field in ours.fields.items():
            other = their_fields.get(name)
            if other is None:
                found.append(f"{where}.{name}: not in the live schema")
                continue
            if leaf(field.type) != leaf(other.type):
                ours_type, their_type = get_named_type(field.type), get_named_type(other.type)
                if is_leaf_type(ours_type) or is_leaf_type(their_type):
                    found.append(f"{where}.{name}: {ours_type.name} here, {their_type.name} live")
                    continue
            named = get_named_type(field.type)
            if not is_leaf_type(named):
                compare_fields(named.name, named, get_named_type(other.type), inputs)
        if inputs:
            for name, field in their_fields.items():
                if name not in ours.fields and is_non_null_type(field.type):
                    found.append(f"{where}.{name}: required live, not in the bundled schema")

    for kind, root, their_root in (
        ("Query", bundled.query_type, live.query_type),
        ("Mutation", bundled.mutation_type, live.mutation_type),
    ):
        their_fields = their_root.fields if their_root is not None else {}
        for name, field in root.fields.items():
            other = their_fields.get(name)
            if other is None:
                found.append(f"{kind}.{name}: not in the live schema")
                continue
            for arg_name, argument in field.args.items():
                their_arg = other.args.get(arg_name)
                if their_arg is None:
                    found.append(f"{kind}.{name}({arg_name}:): not in the live schema")
                elif not is_leaf_type(get_named_type(argument.type)):
                    compare_fields(
                        get_named_type(argument.type).name,
                        get_named_type(argument.type),
                        get_named_type(their_arg.type),
                        True,
                    )
            for arg_name, their_arg in other.args.items():
                if arg_name not in field.args and is_non_null_type(their_arg.type):
                    found.append(f"{kind}.{name}({arg_name}:): required live, not bundled")
            named = get_named_type(field.type)
            if not is_leaf_type(named):
                compare_fields(named.name, named, get_named_type(other.type), False)
    return found
