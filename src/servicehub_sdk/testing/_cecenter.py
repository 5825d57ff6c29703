"""SAP hybris CECenter Mashup emulator (YaaS): the OAuth2 token endpoint with scopes, the
customer service (signup/login), and the mashup endpoints with per-customer isolation.

Written from the CECenter Mashup document and YaaS platform conventions: `pageNumber`
(1-based) / `pageSize` (max 64), `Link` headers, `hybris-count`, 201 + `Location`, 204 for
PUT/DELETE, and the YaaS error shape. A PUT replaces the ticket's persisted fields (the
document's example sends back the whole ticket it read). Tickets are served with
`classification` as an object carrying the transient `classification.description`, and with
fields the document does not list (`metadata`).
"""

from __future__ import annotations

import json
import random
import re
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from ._oauth import TokenEndpoint
from ._sandbox import BackendEmulator
from ._server import EmulatedRequest, EmulatedResponse

__all__ = ["CECenterEmulator", "create_emulator"]

TENANT = "sandboxtenant"
CLIENT_ID = "sandbox-cecenter-client"
CLIENT_SECRET = "sandbox-cecenter-client-secret"
TOKEN_PATH = "/hybris/oauth2/v1/token"
MASHUP = f"/hybris/cecentermashup/v1/{TENANT}/"
CUSTOMER = f"/hybris/customer/v1/{TENANT}/"
SCOPES = {
    f"hybris.tenant={TENANT}",
    "hybris.customer_read",
    "hybris.customer_create",
    "hybris.product_read_unpublished",
    "hybris.product_create",
    "hybris.product_publish",
    "hybris.serviceticket_view",
    "hybris.serviceticket_manage",
    "hybris.serviceticket_configuration_view",
    "hybris.interactionlog_manage",
}
CUSTOMERS = [
    ("alice@sandbox.example", "alice-password"),
    ("bob@sandbox.example", "bob-password"),
    ("carol@sandbox.example", "carol-password"),
    ("dave@sandbox.example", "dave-password"),
]
LOCKED = ("locked@sandbox.example", "locked-password")
TYPES = [
    ("SERVICE_REQUEST", "Service request"),
    ("INCIDENT", "Incident"),
    ("COMPLAINT", "Complaint"),
    ("INQUIRY", "General inquiry"),
]
CLASSIFICATIONS = {"HARDWARE": "Hardware", "SOFTWARE": "Software", "DELIVERY": "Delivery"}
STATUSES = [
    ("OPEN", "Open"),
    ("CONFIRMED", "Confirmed"),
    ("IN_PROCESS", "In process"),
    ("COMPLETED", "Completed"),
    ("CLOSED", "Closed"),
]
TRANSIENT = {
    "typeDescription",
    "classification.description",
    "priorityDescription",
    "statusDescription",
    "customerEmail",
    "customerTitle",
    "customerFirstName",
    "customerLastName",
    "productName",
}
_TERM = re.compile(r"""(-?)([\w.]+)\s*(:|>=|<=|>|<)\s*("(?:[^"\\]|\\.)*"|[^\s"]+)""")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


class _Fail(Exception):
    def __init__(
        self, status: int, kind: str, message: str, details: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.details = status, kind, message, details or []


class CECenterEmulator:
    """In-memory tenant: customers, tickets, ticket types and statuses, interaction logs and
    chat transcripts.

    `q` takes terms `field:value` and the ranges `field>value`, `>=`, `<`, `<=` (times are
    compared as the service writes them, `2016-11-22T06:23:02.000+0000`, which sorts as text).

    Attributes:
        customers: id -> {"id", "email", "password", "locked"}.
        tickets: id -> ticket (persisted fields).
        writes: how often each write was applied.
        now: the server's clock (seconds since the epoch): what `creationDateTime` and
            `changeDateTime` are stamped with; tests replace it to skew the server's clock.
    """

    def __init__(self, seed: int = 0, *, tickets: int = 150) -> None:
        rng = random.Random(seed)
        self.lock = threading.Lock()
        self.writes: Counter[str] = Counter()
        self.now: Callable[[], float] = time.time
        self.base_url = ""
        self.tokens = TokenEndpoint(
            clients={CLIENT_ID: CLIENT_SECRET},
            grant_types=["client_credentials"],
            client_auth=["body", "basic"],
            allowed_scopes=SCOPES,
            lifetime=3600,
        )
        self.customer_tokens: dict[str, str] = {}
        self.customers: dict[str, dict[str, Any]] = {}
        for email, password in [*CUSTOMERS, LOCKED]:
            self._signup(email, password, locked=email == LOCKED[0])
        ids = [c["id"] for c in self.customers.values() if not c["locked"]]
        self.products = {f"P-{n:03d}": f"Product {n}" for n in range(1, 21)}
        self.tickets: dict[str, dict[str, Any]] = {}
        start = datetime(2016, 11, 22, 6, 23, 2, tzinfo=UTC)
        for n in range(tickets):
            ticket_id = uuid.UUID(int=rng.getrandbits(128)).hex[:24]
            created = start + timedelta(hours=n * 7)
            self.tickets[ticket_id] = {
                "id": ticket_id,
                "type": rng.choice(TYPES)[0],
                "status": rng.choice(STATUSES)[0],
                "priority": rng.choice(["LOW", "MEDIUM", "HIGH"]),
                "customerId": ids[n % len(ids)],
                "productId": rng.choice(list(self.products)),
                "shortDescription": rng.choice(
                    ["My tv does not work", "Remote is broken", "Screen flickers", "No sound"]
                ),
                "createdBy": "SYSTEM",
                "creationDateTime": _stamp(created),
                "changeDateTime": _stamp(created),
                **({"classification": rng.choice(list(CLASSIFICATIONS))} if n % 3 else {}),
            }
        self.logs: dict[str, dict[str, Any]] = {}
        self.transcripts = {
            f"chat-{n}": {
                "id": f"chat-{n}",
                "customerId": ids[n % len(ids)],
                "messages": [
                    {"from": "customer", "text": "Hello?"},
                    {"from": "agent", "text": "Hi, how can I help?"},
                ],
            }
            for n in range(1, 6)
        }

    def _signup(self, email: str, password: str, locked: bool = False) -> dict[str, Any]:
        customer: dict[str, Any] = {
            "id": "C" + uuid.uuid5(uuid.NAMESPACE_URL, email).hex[:12],
            "email": email,
            "password": password,
            "locked": locked,
        }
        self.customers[customer["id"]] = customer
        return customer

    # -- HTTP -----------------------------------------------------------------------

    def __call__(self, request: EmulatedRequest) -> EmulatedResponse:
        if request.path == TOKEN_PATH:
            return self.tokens(request)
        try:
            with self.lock:
                if request.path.startswith(CUSTOMER):
                    return self._customer_service(request, request.path[len(CUSTOMER) :].strip("/"))
                if request.path.startswith(MASHUP):
                    return self._mashup(request, request.path[len(MASHUP) :].strip("/").split("/"))
            raise _Fail(404, "element_resource_non_existing", f"no resource at {request.path}")
        except _Fail as failure:
            body = {
                "status": failure.status,
                "type": failure.kind,
                "message": failure.message,
                "moreInfo": "https://api.yaas.io/patterns/errortypes.html",
            }
            if failure.details:
                body["details"] = failure.details
            return EmulatedResponse.json(body, failure.status)

    def _client_token(self, request: EmulatedRequest, scope: str) -> None:
        token = self.tokens.check(request)
        if token is None:
            raise _Fail(401, "insufficient_credentials", "Invalid or missing access token")
        if f"hybris.tenant={TENANT}" not in token.scopes:
            raise _Fail(403, "insufficient_permissions", "The token is not valid for this tenant")
        if scope not in token.scopes:
            raise _Fail(403, "insufficient_permissions", f"The scope {scope} is required")

    def _customer_of(self, request: EmulatedRequest) -> dict[str, Any]:
        header = request.header("authorization") or ""
        value = header.partition(" ")[2].strip()
        customer_id = next(
            (
                cid
                for token, cid in self.customer_tokens.items()
                if secrets.compare_digest(token, value)
            ),
            None,
        )
        if customer_id is None:
            raise _Fail(401, "insufficient_credentials", "A customer access token is required")
        return self.customers[customer_id]

    @staticmethod
    def _body(request: EmulatedRequest) -> dict[str, Any]:
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            raise _Fail(400, "validation_violation", "The body is not valid JSON") from None
        if not isinstance(body, dict):
            raise _Fail(400, "validation_violation", "The body must be a JSON object")
        return body

    def _customer_service(self, request: EmulatedRequest, route: str) -> EmulatedResponse:
        if request.method != "POST" or route not in ("signup", "login"):
            raise _Fail(404, "element_resource_non_existing", f"no {request.method} {route}")
        self._client_token(
            request, "hybris.customer_create" if route == "signup" else "hybris.customer_read"
        )
        body = self._body(request)
        email, password = str(body.get("email") or ""), str(body.get("password") or "")
        if not email or not password:
            raise _Fail(
                400,
                "validation_violation",
                "email and password are required",
                [
                    {"field": f, "type": "missing_field", "message": f"{f} is required"}
                    for f in ("email", "password")
                    if not body.get(f)
                ],
            )
        known = next((c for c in self.customers.values() if c["email"] == email), None)
        if route == "signup":
            if known:
                raise _Fail(
                    409, "conflict_resource", f"A customer with email {email} already exists"
                )
            customer = self._signup(email, password)
            self.writes["signup"] += 1
            return EmulatedResponse.json(
                {"id": customer["id"]},
                201,
                {"Location": f"{self.base_url}{CUSTOMER}customers/{customer['id']}"},
            )
        if known is None:
            raise _Fail(404, "element_resource_non_existing", "Unknown customer")
        if not secrets.compare_digest(known["password"], password):
            raise _Fail(401, "insufficient_credentials", "Bad credentials")
        if known["locked"]:
            raise _Fail(403, "insufficient_permissions", "The customer account is locked")
        token = secrets.token_urlsafe(24)
        self.customer_tokens[token] = known["id"]
        return EmulatedResponse.json({"accessToken": token})

    def _mashup(self, request: EmulatedRequest, parts: list[str]) -> EmulatedResponse:
        resource, method = parts[0], request.method
        if resource == "serviceTicketTypes" and method == "GET":
            self._client_token(request, "hybris.serviceticket_configuration_view")
            return EmulatedResponse.json(
                [{"code": c, "description": {"en": d, "de": d}} for c, d in TYPES]
            )
        if resource == "serviceTicketStatus" and method == "GET":
            self._client_token(request, "hybris.serviceticket_configuration_view")
            return EmulatedResponse.json(
                [{"code": c, "description": {"en": d}} for c, d in STATUSES]
            )
        if resource == "interactionLogs":
            self._client_token(request, "hybris.interactionlog_manage")
            if method == "GET" and len(parts) == 1:
                return self._page(request, list(self.logs.values()), "interactionLogs")
            if method == "POST" and len(parts) == 1:
                body = self._body(request)
                if not body.get("customerId"):
                    raise _Fail(
                        400,
                        "validation_violation",
                        "customerId is required",
                        [
                            {
                                "field": "customerId",
                                "type": "missing_field",
                                "message": "may not be null",
                            }
                        ],
                    )
                log_id = uuid.uuid4().hex[:24]
                self.logs[log_id] = {
                    **body,
                    "id": log_id,
                    "creationDateTime": _stamp(datetime.fromtimestamp(self.now(), UTC)),
                }
                self.writes["interactionLogs"] += 1
                return self._created("interactionLogs", log_id)
        if resource == "chatTranscripts" and method == "GET" and len(parts) == 2:
            self._client_token(request, "hybris.serviceticket_view")
            transcript = self.transcripts.get(parts[1])
            if transcript is None:
                raise _Fail(
                    404, "element_resource_non_existing", f"Chat transcript {parts[1]} not found"
                )
            return EmulatedResponse.json(transcript)
        if resource == "serviceTickets":
            return self._tickets(request, parts)
        raise _Fail(404, "element_resource_non_existing", f"no {method} {'/'.join(parts)}")

    def _created(self, resource: str, new_id: str) -> EmulatedResponse:
        return EmulatedResponse.json(
            {"id": new_id, "link": f"{self.base_url}{MASHUP}{resource}/{new_id}"},
            201,
            {"Location": f"{self.base_url}{MASHUP}{resource}/{new_id}"},
        )

    def _tickets(self, request: EmulatedRequest, parts: list[str]) -> EmulatedResponse:
        customer = self._customer_of(request)
        method = request.method
        if len(parts) == 1:
            if method == "GET":
                mine = [t for t in self.tickets.values() if t["customerId"] == customer["id"]]
                return self._page(
                    request, [self._view(t) for t in _query(mine, request)], "serviceTickets"
                )
            if method == "POST":
                body = self._body(request)
                if body.get("id"):
                    raise _Fail(400, "validation_violation", "The id is generated by the system")
                missing = [f for f in ("type", "customerId", "shortDescription") if not body.get(f)]
                if missing:
                    raise _Fail(
                        400,
                        "validation_violation",
                        "Missing fields",
                        [
                            {"field": f, "type": "missing_field", "message": "may not be null"}
                            for f in missing
                        ],
                    )
                if body["customerId"] != customer["id"]:
                    raise _Fail(
                        403,
                        "insufficient_permissions",
                        "A customer cannot create tickets for another customer",
                    )
                if body["type"] not in {c for c, _ in TYPES}:
                    raise _Fail(400, "validation_violation", f"Unknown type {body['type']}")
                ticket_id = uuid.uuid4().hex[:24]
                now = _stamp(datetime.fromtimestamp(self.now(), UTC))
                self.tickets[ticket_id] = {
                    **{k: v for k, v in body.items() if k not in TRANSIENT},
                    "id": ticket_id,
                    "status": body.get("status") or "OPEN",
                    "creationDateTime": now,
                    "changeDateTime": now,
                }
                self.writes["serviceTickets"] += 1
                return self._created("serviceTickets", ticket_id)
        if len(parts) == 2:
            ticket = self.tickets.get(parts[1])
            if ticket is None or ticket["customerId"] != customer["id"]:
                raise _Fail(
                    404, "element_resource_non_existing", f"Service ticket {parts[1]} not found"
                )
            if method == "GET":
                return EmulatedResponse.json(self._view(ticket))
            if method == "PUT":
                body = self._body(request)
                previous = dict(ticket)
                if body.get("status") not in ("OPEN", "CONFIRMED", previous["status"]):
                    raise _Fail(
                        400,
                        "validation_violation",
                        "A ticket can only be updated to OPEN or CONFIRMED",
                    )
                if body.get("customerId", customer["id"]) != customer["id"]:
                    raise _Fail(
                        403, "insufficient_permissions", "The ticket belongs to another customer"
                    )
                replaced = {
                    k: v
                    for k, v in body.items()
                    if k not in TRANSIENT and k not in ("id", "creationDateTime", "customerId")
                }
                if isinstance(replaced.get("classification"), dict):
                    replaced["classification"] = replaced["classification"].get("code")
                kept = ("id", "creationDateTime", "customerId")
                ticket.clear()
                ticket.update({**{k: previous[k] for k in kept}, **replaced})
                ticket["changeDateTime"] = _stamp(datetime.fromtimestamp(self.now(), UTC))
                self.writes["update"] += 1
                return EmulatedResponse.empty(204)
            if method == "DELETE":
                del self.tickets[parts[1]]
                self.writes["delete"] += 1
                return EmulatedResponse.empty(204)
        raise _Fail(404, "element_resource_non_existing", "no such resource")

    def _view(self, ticket: dict[str, Any]) -> dict[str, Any]:
        customer = self.customers.get(ticket["customerId"], {})
        return {
            **ticket,
            "typeDescription": {"en": dict(TYPES).get(ticket["type"], ticket["type"])},
            "statusDescription": {"en": dict(STATUSES).get(ticket["status"], ticket["status"])},
            "customerEmail": customer.get("email"),
            "productName": {"en": self.products.get(ticket.get("productId") or "", "")},
            "metadata": {"version": 1, "mixins": {}},
            **(
                {
                    "classification": {
                        "code": ticket["classification"],
                        "description": {"en": CLASSIFICATIONS.get(ticket["classification"], "")},
                    }
                }
                if ticket.get("classification")
                else {}
            ),
        }

    def _page(
        self, request: EmulatedRequest, rows: list[dict[str, Any]], resource: str
    ) -> EmulatedResponse:
        try:
            number = int(request.arg("pageNumber", "1") or 1)
            size = int(request.arg("pageSize", "16") or 16)
        except ValueError:
            raise _Fail(
                400, "validation_violation", "pageNumber and pageSize must be integers"
            ) from None
        if number < 1 or not 1 <= size <= 64:
            raise _Fail(
                400,
                "validation_violation",
                "pageNumber must be >= 1 and pageSize between 1 and 64",
                [
                    {
                        "field": "pageSize",
                        "type": "invalid_value",
                        "message": "must be less than or equal to 64",
                    }
                ],
            )
        chunk = rows[(number - 1) * size : number * size]
        headers: dict[str, str] = {}
        if number * size < len(rows):
            query = {k: v[0] for k, v in request.query.items()}
            query["pageNumber"] = str(number + 1)
            # Single quotes, as some YaaS services send them: clients must parse leniently.
            headers["Link"] = f"<{self.base_url}{MASHUP}{resource}?{urlencode(query)}>; rel='next'"
        if request.arg("totalCount") == "true":
            headers["hybris-count"] = str(len(rows))
        return EmulatedResponse.json(chunk, headers=headers)

    def client_config(self, url: str) -> dict[str, Any]:
        self.base_url = url
        email, password = CUSTOMERS[0]
        return {
            "tenant": TENANT,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "api_url": url,
            "customer_email": email,
            "customer_password": password,
        }


def _query(tickets: list[dict[str, Any]], request: EmulatedRequest) -> list[dict[str, Any]]:
    q = request.arg("q")
    if q:
        for negate, field, operator, raw in _TERM.findall(q):
            if field in TRANSIENT:
                raise _Fail(
                    400, "validation_violation", f"{field} is transient and cannot be queried"
                )
            value = json.loads(raw) if raw.startswith('"') else raw
            tickets = [
                t for t in tickets if _compare(t.get(field), operator, value) != bool(negate)
            ]
    sort = request.arg("sort")
    if sort:
        for part in reversed(sort.split(",")):
            field, _, direction = part.partition(":")
            if field in TRANSIENT:
                raise _Fail(
                    400, "validation_violation", f"{field} is transient and cannot be sorted on"
                )
            tickets = sorted(tickets, key=_field_text(field), reverse=direction.lower() == "desc")
    return tickets


def _field_text(field: str) -> Callable[[dict[str, Any]], str]:
    return lambda ticket: str(ticket.get(field) or "")


def _compare(actual: Any, operator: str, value: Any) -> bool:
    text, wanted = str(actual if actual is not None else ""), str(value)
    if operator == ":":
        return text == wanted
    if operator == ">":
        return text > wanted
    if operator == "<":
        return text < wanted
    if operator == ">=":
        return text >= wanted
    return text <= wanted


def create_emulator(seed: int = 0) -> BackendEmulator:
    """The sandbox's CECenter Mashup tenant."""
    emulator = CECenterEmulator(seed)
    return BackendEmulator(
        name="cecenter",
        app=emulator,
        client_config=emulator.client_config,
        state=emulator,
        credentials={"tenant": TENANT, "client_id": CLIENT_ID, "customer": CUSTOMERS[0][0]},
    )
