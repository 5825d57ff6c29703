"""Secure Service Hub emulator: GraphQL at `/graphql` behind an API gateway, and an
Azure AD B2C-style token endpoint, executing its own schema with graphql-core.

It serves either reading of the API (`variant="document"`, the vendor document, or
`variant="symmedia"`, symmedia's published service schemas; see `variants`), answers
introspection unless built with `introspection=False`.

Documents may carry many root fields under aliases; graphql-core runs a mutation's fields
serially, in order. In the `document` variant mutation results are non-null, so one failing
field nulls `data` and stops the fields after it; in `symmedia` they are nullable, so only the
failing alias is `null`. `max_root_fields=` makes it refuse larger documents as a whole, as
gateways with complexity limits do (`refusal=` chooses how).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal

from graphql import (
    NoSchemaIntrospectionCustomRule,
    execute_sync,
    parse,
    specified_rules,
    validate,
)
from graphql.language import OperationDefinitionNode

from .._oauth import IssuedToken, TokenEndpoint
from .._sandbox import BackendEmulator
from .._server import EmulatedRequest, EmulatedResponse
from .prepared import PreparedDocuments
from .store import STATES, SSHStore
from .variants import (
    VARIANTS,
    Variant,
    add_typename,
    load_schema,
    symmedia_case,
)

__all__ = ["REFUSALS", "VARIANTS", "Refusal", "SSHEmulator", "Variant", "create_emulator"]

Refusal = Literal["complexity", "no-data", "too-large"]
REFUSALS: tuple[Refusal, ...] = ("complexity", "no-data", "too-large")

TENANT = "symcloudplatformb2csandbox"
TOKEN_PATH = f"/{TENANT}.onmicrosoft.com/B2C_1A_SIGNIN/oauth2/v2.0/token"
GRAPHQL_PATH = "/graphql"
API_KEY = "sandbox-ssh-api-key"
OTHER_TENANT_API_KEY = "sandbox-ssh-other-tenant-api-key"
CLIENT_ID = "sandbox-ssh-client"
CLIENT_SECRET = "sandbox-ssh-client-secret"
SCOPE = f"https://{TENANT}.onmicrosoft.com/public-api/.default"
DEFAULT_PAGE_SIZE = 50


def _page(
    rows: list[dict[str, Any]],
    options: dict[str, Any] | None,
    view: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One page of `rows` (each shown through `view`, where given: only the page's rows)."""
    pagination = (options or {}).get("pagination") or {}
    page = max(0, int(pagination.get("page", 0)))
    size = max(1, int(pagination.get("pageSize", DEFAULT_PAGE_SIZE)))
    chunk = rows[page * size : (page + 1) * size]
    if view is not None:
        chunk = [view(row) for row in chunk]
    # The real API's totals are reported unreliable; the emulator answers the same way.
    return {
        "data": chunk,
        "pageInfo": {
            "totalElements": None,
            "totalPages": -1,
            "currentPage": page,
            "fromElement": page * size,
            "untilElement": page * size + len(chunk),
        },
    }


def _all(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"data": rows}


class _Root:
    """Root resolvers: graphql-core calls `root.<field>(info, **arguments)`.

    Fields only one variant declares are only reached through that variant's schema.
    """

    def __init__(self, store: SSHStore, variant: Variant) -> None:
        self.store = store
        self.symmedia = variant == "symmedia"

    def _list(self, rows: list[dict[str, Any]], options: Any) -> Any:
        # Where the variant's options declare no pagination, the answer is the whole listing.
        if options is not None and "pagination" in options:
            return _page(rows, options)
        return _page(rows, options) if not self.symmedia else _all(rows)

    def _case(self, view: dict[str, Any]) -> dict[str, Any]:
        return symmedia_case(view, STATES) if self.symmedia else view

    def serviceOrganisationsPaginated(self, info: Any, options: Any = None) -> Any:
        return self._list(list(self.store.organisations.values()), options)

    def serviceOrganisation(self, info: Any, id: str) -> Any:
        return self.store.organisations.get(id)

    def customersPaginated(self, info: Any, options: Any = None) -> Any:
        with self.store.lock:
            return _page(list(self.store.customers.values()), options, self.store.customer_view)

    def customer(self, info: Any, externalId: str | None = None, id: str | None = None) -> Any:
        if id is not None:
            record = self.store.customers.get(id)
        else:
            record = self.store.customer_by_external_id(externalId or "")
        return self.store.customer_view(record) if record else None

    def machineModelsPaginated(self, info: Any, options: Any = None) -> Any:
        return self._list(list(self.store.models.values()), options)

    def machineModel(
        self, info: Any, machineModelId: str | None = None, externalId: str | None = None
    ) -> Any:
        if machineModelId is not None:
            return self.store.models.get(machineModelId)
        return self.store.model_by_external_id(externalId or "")

    def customerMachinesPaginated(self, info: Any, options: Any = None) -> Any:
        with self.store.lock:
            return _page(list(self.store.machines.values()), options, self.store.machine_view)

    def customerMachine(
        self, info: Any, customerMachineId: str | None = None, externalId: str | None = None
    ) -> Any:
        with self.store.lock:
            machines = self.store.machines
            record = (
                machines.get(customerMachineId)
                if customerMachineId is not None
                else self.store.machine_by_external_id(externalId or "")
            )
            return self.store.machine_view(record) if record else None

    def serviceCasesPaginated(self, info: Any, options: Any) -> Any:
        with self.store.lock:
            cases = list(self.store.cases.values())
            if options["view"] == "MAINTENANCE_ENGINEER":
                cases = [c for c in cases if (c.get("assignee") or {}).get("name")]
            wanted = (options.get("filter") or {}).get("externalId")
            if wanted is not None:
                cases = [c for c in cases if c["externalId"] == wanted]
            rows = [self._case(self.store.case_view(c)) for c in cases]
        return self._list(rows, options)

    def createCustomer(self, info: Any, customer: Any) -> Any:
        return self.store.create_customer(customer)

    def updateCustomer(self, info: Any, customer: Any, id: str | None = None) -> Any:
        if id is None:
            return self.store.update_customer(customer)
        return self.store.update_customer(customer, key=("id", id), partial=True)

    def updateCustomerByExternalId(self, info: Any, externalId: str, customer: Any) -> Any:
        return self.store.update_customer(customer, key=("externalId", externalId), partial=True)

    def createMachineModel(self, info: Any, machineModel: Any) -> Any:
        return self.store.create_model(machineModel)

    def createCustomerMachine(self, info: Any, customerMachine: Any = None, **flat: Any) -> Any:
        from graphql import GraphQLError

        if customerMachine is not None and flat:
            raise GraphQLError(
                "Give either customerMachine or flat arguments, not both",
                extensions={"code": "BAD_USER_INPUT"},
            )
        data = customerMachine if customerMachine is not None else flat
        for required in ("customer", "machineModel", "serialNumber"):
            if not data.get(required):
                raise GraphQLError(f"{required} is required", extensions={"code": "BAD_USER_INPUT"})
        return self.store.create_machine(data)

    def updateServiceCaseExternalId(self, info: Any, serviceCaseId: str, externalId: str) -> Any:
        return self._case(self.store.link_case(serviceCaseId, externalId))


class SSHEmulator:
    """The HTTP side: gateway checks (`api-key`, bearer), token endpoint, GraphQL execution.

    Args:
        seed: seeds the generated data.
        store: the data to serve instead.
        variant: which reading of the API to serve: `"document"` (the vendor document) or
            `"symmedia"` (symmedia's published service schemas).
        introspection: whether to answer introspection queries (`__schema`, `__type`);
            refused ones fail validation, as on servers that disable it.
        max_root_fields: refuse, without running it, a document with more root fields
            than this (`None`: no limit).
        refusal: how such a document is refused: `"complexity"` (HTTP 400, a validation
            error naming no field), `"no-data"` (HTTP 200, `errors` and no `data`) or
            `"too-large"` (the gateway's HTTP 413).

    Attributes:
        requests: the GraphQL documents received, in order (refused ones included).
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        store: SSHStore | None = None,
        variant: Variant = "document",
        introspection: bool = True,
        max_root_fields: int | None = None,
        refusal: Refusal = "complexity",
    ) -> None:
        if refusal not in REFUSALS:
            raise ValueError(f"refusal must be one of {', '.join(REFUSALS)}, got {refusal!r}")
        self.max_root_fields = max_root_fields
        self.refusal: Refusal = refusal
        self.store = store or SSHStore(seed)
        self.variant: Variant = variant
        self.schema = load_schema(variant)
        self.root = _Root(self.store, variant)
        self.rules = (
            specified_rules
            if introspection
            else (*specified_rules, NoSchemaIntrospectionCustomRule)
        )
        self.prepared = PreparedDocuments(
            self.schema, self.rules, add_typename if variant == "symmedia" else None
        )
        self.requests: list[str] = []
        self.tokens = TokenEndpoint(
            clients={CLIENT_ID: CLIENT_SECRET},
            grant_types=["client_credentials"],
            client_auth=["body"],
            lifetime=3600,
            extra_fields=self._b2c_fields,
        )
        self.api_keys = {API_KEY: "sandbox", OTHER_TENANT_API_KEY: "other"}

    @staticmethod
    def _b2c_fields(token: IssuedToken) -> dict[str, Any]:
        now = int(time.time())
        return {
            "not_before": now,
            "expires_on": int(token.expires_at),
            "resource": SCOPE.rsplit("/", 1)[0],
        }

    def __call__(self, request: EmulatedRequest) -> EmulatedResponse:
        if request.path == TOKEN_PATH:
            return self.tokens(request)
        if request.path != GRAPHQL_PATH:
            return EmulatedResponse.json({"statusCode": 404, "message": "Resource not found"}, 404)
        gate = self._gateway(request)
        if gate is not None:
            return gate
        if request.method != "POST":
            return EmulatedResponse.json({"errors": [{"message": "Use POST"}]}, 405)
        return self._graphql(request)

    def _gateway(self, request: EmulatedRequest) -> EmulatedResponse | None:
        key = request.header("api-key")
        if not key:
            return _gateway_error(
                401,
                "Access denied due to missing subscription key. Make sure to include "
                "subscription key when making requests to an API.",
            )
        tenant = next((t for k, t in self.api_keys.items() if secrets.compare_digest(k, key)), None)
        if tenant is None:
            return _gateway_error(
                401,
                "Access denied due to invalid subscription key. Make sure to provide a valid "
                "key for an active subscription.",
            )
        if self.tokens.check(request) is None:
            return _gateway_error(401, "Unauthorized. Access token is missing or invalid.")
        if tenant != "sandbox":
            return _gateway_error(
                403, "Forbidden: the token and the API key belong to different tenants."
            )
        return None

    def _graphql(self, request: EmulatedRequest) -> EmulatedResponse:
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            return EmulatedResponse.json(
                {"errors": [{"message": "POST body sent invalid JSON."}]}, 400
            )
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return EmulatedResponse.json(
                {"errors": [{"message": "Must provide query string."}]}, 400
            )
        prepared = None if body.get("variables") else self.prepared.get(body["query"])
        if prepared is not None:  # a shape seen before: parsed and validated then
            self.requests.append(body["query"])
            refused = self._refuse(prepared.document)
            if refused is not None:
                return refused
            return self._run(prepared.document, prepared.variables, body, prepared.located)
        from graphql import GraphQLError

        try:
            document = parse(body["query"])
        except GraphQLError as exc:
            return _graphql_failure([exc], "GRAPHQL_PARSE_FAILED")
        self.requests.append(body["query"])
        refused = self._refuse(document)
        if refused is not None:
            return refused
        problems = validate(self.schema, document, self.rules)
        if problems:
            return _graphql_failure(problems, "GRAPHQL_VALIDATION_FAILED")
        if self.variant == "symmedia":
            document = add_typename(document)
        return self._run(document, body.get("variables"), body)

    def _run(
        self,
        document: Any,
        variables: Any,
        body: dict[str, Any],
        located: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> EmulatedResponse:
        """The answer to a validated `document`; `located` maps its errors' locations."""
        result = execute_sync(
            self.schema,
            document,
            root_value=self.root,
            variable_values=variables,
            operation_name=body.get("operationName"),
        )
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            errors = [dict(e.formatted) for e in result.errors]
            if located is not None:
                errors = [located(e) for e in errors]
            answer["errors"] = [_with_code(e, "INTERNAL_SERVER_ERROR") for e in errors]
        return EmulatedResponse.json(answer)

    def _refuse(self, document: Any) -> EmulatedResponse | None:
        """The refusal of a document with more root fields than `max_root_fields`."""
        if self.max_root_fields is None:
            return None
        fields = max(
            (
                len(d.selection_set.selections)
                for d in document.definitions
                if isinstance(d, OperationDefinitionNode)
            ),
            default=0,
        )
        if fields <= self.max_root_fields:
            return None
        if self.refusal == "too-large":
            return _gateway_error(413, "Request entity too large")
        message = (
            f"Query is too complex: {fields} root fields, at most {self.max_root_fields} allowed"
        )
        error = {"message": message, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}
        status = 400 if self.refusal == "complexity" else 200
        return EmulatedResponse.json({"errors": [error]}, status)

    def client_config(self, url: str) -> dict[str, Any]:
        return {
            "base_url": url + GRAPHQL_PATH,
            "token_url": url + TOKEN_PATH,
            "api_key": API_KEY,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scope": SCOPE,
        }


def _gateway_error(status: int, message: str) -> EmulatedResponse:
    return EmulatedResponse.json({"statusCode": status, "message": message}, status)


def _with_code(formatted: Mapping[str, Any], default: str) -> dict[str, Any]:
    extensions = dict(formatted.get("extensions") or {})
    extensions.setdefault("code", default)
    return {**formatted, "extensions": extensions}


def _graphql_failure(errors: Any, code: str) -> EmulatedResponse:
    return EmulatedResponse.json({"errors": [_with_code(e.formatted, code) for e in errors]}, 400)


def create_emulator(
    seed: int = 0,
    *,
    variant: Variant = "document",
    introspection: bool = True,
    max_root_fields: int | None = None,
    refusal: Refusal = "complexity",
) -> BackendEmulator:
    """The sandbox's Secure Service Hub (the options as for `SSHEmulator`)."""
    emulator = SSHEmulator(
        seed,
        variant=variant,
        introspection=introspection,
        max_root_fields=max_root_fields,
        refusal=refusal,
    )
    return BackendEmulator(
        name="ssh",
        app=emulator,
        client_config=emulator.client_config,
        state=emulator,
        credentials={"api_key": API_KEY, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
