"""Which schema a Secure Service Hub client builds its documents against.

On first use a client asks the server for its schema by introspection (one request per client,
however many threads or tasks start at once) and builds every document against the answer.
A schema pinned by the user (`schema="bundled"` or SDL text) skips the question; a server that
refuses introspection leaves the client on the bundled, document-derived schema. Differences
between the bundled and the live schema are logged once and listed by `schema_report()`.
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, cast

import httpx

from ..core._errors import (
    BadRequestError,
    ConfigurationError,
    GraphQLError,
    NotFoundError,
    UnprocessableError,
)
from ..core._redaction import redact_url
from ..core._request import Call, Flow
from ..core._singleflight import SingleFlight
from ._graphql import (
    Plan,
    bundled_plan,
    load_schema,
    read_data,
)

__all__ = [
    "BUNDLED",
    "REFUSALS",
    "SchemaReport",
    "SchemaState",
    "schema_differences",
]

logger = logging.getLogger("servicehub_sdk.ssh")

BUNDLED = ("bundled", "document")
"""The values of `schema=` that pin the bundled, document-derived schema."""

# What a server that does not answer introspection says. Anything else (no connection, bad
# credentials, a proxy's error page) is raised and the question asked again next time.
REFUSALS = (GraphQLError, BadRequestError, UnprocessableError)


@functools.cache
def _introspection_query() -> str:
    from graphql import get_introspection_query

    return get_introspection_query(descriptions=False)


class NotASchema(GraphQLError):
    """An introspection answer that is JSON but no schema: taken as a refusal."""


LIVE_PLANS_KEPT = 4
"""Live plans kept per process, by the answer they were built from: another client whose
server gives the same answer builds its documents with the same plan (schema, printers and
selections already made) instead of building them again."""

_live_plans: dict[bytes, Plan] = {}
_live_plans_lock = threading.Lock()


def _known_plan(answer: bytes) -> Plan | None:
    return _live_plans.get(answer)


def _keep_plan(answer: bytes, plan: Plan) -> Plan:
    with _live_plans_lock:
        kept = _live_plans.setdefault(answer, plan)
        while len(_live_plans) > LIVE_PLANS_KEPT:
            del _live_plans[next(iter(_live_plans))]
    return kept


def introspection_call(flight: SingleFlight[Plan] | None = None) -> Call[Plan]:
    """The introspection query (`__schema`); its answer becomes the live plan (the same plan
    as for an earlier client whose server gave the same answer). With `flight`, one request
    is sent however many callers ask at once; the others share its answer."""

    def parse(response: httpx.Response) -> Plan:
        from graphql import IntrospectionQuery, build_client_schema

        known = _known_plan(response.content)
        if known is not None:
            return known
        data = read_data(response, name="Secure Service Hub introspection")
        try:
            # checked by build_client_schema itself: a wrong shape raises, handled below
            schema = build_client_schema(cast(IntrospectionQuery, data))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise NotASchema(
                f"Secure Service Hub introspection: the answer is no schema ({exc})",
                errors=[{"message": str(exc)}],
                response=response,
            ) from None
        return _keep_plan(response.content, Plan(schema, "live"))

    return Call(
        "POST",
        "",
        json={"query": _introspection_query()},
        parse=parse,
        idempotent=True,
        name="Secure Service Hub introspection",
        single_flight=flight,
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

    The plan is known at once when pinned; otherwise `plan()` asks the server, once however
    many threads or tasks need it at the same time (a `SingleFlight`), and keeps the answer.

    Attributes:
        report: the differences between the bundled schema and the one in use.
    """

    def __init__(self, schema: str | Plan | None) -> None:
        self._flight: SingleFlight[Plan] = SingleFlight("Secure Service Hub introspection")
        self._flight.backoff_base = 0.0  # a failed question is asked again by the next call
        self._lock = threading.Lock()
        self._settled: Plan | None = None
        self.report: list[str] = []
        pinned = schema if isinstance(schema, Plan) else pinned_plan(schema)
        if pinned is not None:  # chosen by the user: compared, not logged
            self.report = self._compare(pinned)
            self._settled = pinned

    @property
    def known(self) -> Plan | None:
        """The plan once known, else `None`."""
        return self._settled

    def plan(self) -> Flow[Plan]:
        """The client's plan: at once when known; else the introspection query, sent by one
        caller while the others wait for its answer. A refusal settles on the bundled
        schema; any other failure is raised and the question asked again next time."""
        known = self._settled
        if known is not None:
            return known
        try:
            live: Plan = yield introspection_call(self._flight)
        except REFUSALS as exc:
            return self.refused(exc)
        except NotFoundError as exc:
            url = exc.request.url if exc.request is not None else "base_url"
            exc.add_to_message(
                f"the client's first request asks the server for its schema, and there is no "
                f"GraphQL endpoint at {redact_url(url)}: check base_url (the GraphQL "
                "endpoint, e.g. https://hub.example.com/graphql)"
            )
            raise
        return self.settle(live)

    def settle(self, plan: Plan) -> Plan:
        """Use `plan` from now on (the first plan settled wins; differences logged once)."""
        with self._lock:
            if self._settled is not None:
                return self._settled
            self.report = self._compare(plan)
            self._settled = plan
        self._flight.put(plan)
        if self.report:
            logger.warning(
                "Secure Service Hub: the %s schema differs from the bundled one: %s",
                plan.source,
                "; ".join(self.report),
            )
        return plan

    @staticmethod
    def _compare(plan: Plan) -> list[str]:
        if plan is bundled_plan():
            return []
        if plan.bundled_differences is None:
            plan.bundled_differences = schema_differences(load_schema(), plan.schema)
        return list(plan.bundled_differences)

    def summary(self, plan: Plan) -> SchemaReport:
        return SchemaReport(plan.source, list(self.report))

    def refused(self, exc: Exception) -> Plan:
        if self._settled is None:
            logger.info(
                "Secure Service Hub refused introspection (%s); using the bundled schema",
                type(exc).__name__,
            )
        return self.settle(Plan(load_schema(), "bundled (introspection refused)"))


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
