"""SAP FSM Crowd Partner emulator: the v1 token endpoint and the crowd partner service.

Written from SAP's Crowd Partner API document: the token answer of 1.2.2, the headers each
method's table requires, and the status codes it lists. Partners carry what real answers carry
beyond the document (SAP-archive/cx-service-cloud-partner-portal, its backend models and test
data): `remarks`, `inactive`, `syncStatus`, a singular `contact`, `serviceArea` as an object or
`null`, `number`/`zipCode` as text, and one service area at SAP's test coordinates
(`latitude: 14545454`). The Directory API (`/ds/api/directory/v1/accounts/{accountName}`) is
served too.
"""

from __future__ import annotations

import json
import random
import re
import secrets
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from ._oauth import IssuedToken, TokenEndpoint
from ._sandbox import BackendEmulator
from ._server import EmulatedRequest, EmulatedResponse

__all__ = ["FSMEmulator", "create_emulator"]

TOKEN_PATH = "/api/oauth2/v1/token"
DIRECTORY_PATH = "/ds/api/directory/v1/"
PREFIX = "/cloud-crowd-service/api/crowd-partner/v1/"
CLIENT_ID = "sandbox-fsm-client"
CLIENT_SECRET = "sandbox-fsm-client-secret"
ACCOUNT = "sandbox"
ACCOUNT_ID = 284
COMPANIES = [
    {"id": 957, "name": "SandboxDemoDE", "description": "Sandbox Demo (Deutschland)"},
    {"id": 958, "name": "SandboxDemoCH", "description": "Sandbox Demo (Schweiz)"},
]
# username -> (password, role)
USERS = {
    "sandbox": ("sandbox-account-password", "ADMINISTRATOR"),
    "sandbox/manager": ("sandbox-manager-password", "SUPERUSER"),
    "sandbox/viewer": ("sandbox-viewer-password", "USER"),
}

_CITIES = [
    ("Munich", "Germany", "81667"),
    ("Berlin", "Germany", "10115"),
    ("Zurich", "Switzerland", "8001"),
    ("Vienna", "Austria", "1010"),
    ("Lyon", "France", "69001"),
    ("Leeds", "United Kingdom", "LS1 1UR"),
    ("Chicago", "United States", "60601"),
    ("Dresden", "Germany", "01067"),
]
_FIRST = ["John", "Maria", "Lukas", "Sofia", "Noah", "Emma", "Jonas", "Léa"]
_LAST = ["Smith", "Müller", "Rossi", "Dubois", "Novak", "Schmid", "García", "Berg"]
_TRADES = ["Elevators", "HVAC", "Electrical", "Plumbing", "Machine Service", "Solar", "Robotics"]


class FSMEmulator:
    """The token endpoint and the crowd partner service, with per-method header checks.

    Attributes:
        partners: id -> partner in wire form (`serviceAreas` stored as a list).
        secure_hashes: (account id, company id) -> hash.
        writes: how often each write was applied.
    """

    def __init__(self, seed: int = 0, *, partners: int = 120) -> None:
        rng = random.Random(seed)
        self.lock = threading.Lock()
        self.writes: Counter[str] = Counter()
        self.cluster_url = ""
        self.token_names_cluster = True
        self.tokens = TokenEndpoint(
            clients={CLIENT_ID: CLIENT_SECRET},
            users={name: password for name, (password, _) in USERS.items()},
            client_auth=["basic"],
            lifetime=43199,
            extra_fields=self._token_fields,
            user_check=self._role_check,
        )
        self.secure_hashes: dict[tuple[str, str], str] = {}
        self.partners: dict[str, dict[str, Any]] = {}
        for n in range(partners):
            partner_id = uuid.UUID(int=rng.getrandbits(128)).hex
            city, country, zip_code = rng.choice(_CITIES)
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            self.partners[partner_id] = {
                "id": partner_id,
                "name": f"{last} {rng.choice(_TRADES)} {n + 1:03d}",
                "address": {
                    "id": uuid.UUID(int=rng.getrandbits(128)).hex,
                    "streetName": f"{rng.choice(_LAST)}strasse",
                    "number": rng.randint(1, 120),
                    "zipCode": zip_code,
                    "city": city,
                    "country": country,
                },
                "contacts": [
                    {
                        "id": uuid.UUID(int=rng.getrandbits(128)).hex,
                        "firstName": first,
                        "lastName": last,
                        "emailAddress": f"{first.lower()}.{last.lower()}@partner{n + 1}.example",
                        "phoneNumber": f"+49 89 {rng.randint(100000, 999999)}",
                        "role": rng.choice(["PARTNER_ADMIN", "NON_CROWD"]),
                    }
                ],
                "serviceAreas": [
                    {
                        "id": uuid.UUID(int=rng.getrandbits(128)).hex,
                        "googlePlaceId": f"ChIJ{rng.getrandbits(64):016x}",
                        "latitude": round(rng.uniform(45, 55), 6),
                        "longitude": round(rng.uniform(5, 15), 6),
                        "radius": {
                            "unit": rng.choice(["km", "mi"]),
                            "value": rng.choice([10, 15.5, 25, 50]),
                        },
                    }
                ],
                "remarks": rng.choice(["", "Preferred for weekend calls", None]),
                "inactive": n % 9 == 4,
                "syncStatus": "IN_CLOUD",
            }
            _vary(self.partners[partner_id], n)

    # -- token endpoint -----------------------------------------------------------------

    def _token_fields(self, token: IssuedToken) -> dict[str, Any]:
        user = (token.username or ACCOUNT).partition("/")[2] or None
        return {
            "scope": "general",
            **({"cluster_url": self.cluster_url} if self.token_names_cluster else {}),
            "account": ACCOUNT,
            "account_id": ACCOUNT_ID,
            "user": user,
            "user_id": 1000 + len(user or ""),
            "user_email": f"{user or 'admin'}@sandbox.example",
            "companies": COMPANIES,
            "authorities": ["ROLE_" + USERS.get(token.username or "", ("", "ADMINISTRATOR"))[1]],
        }

    @staticmethod
    def _role_check(username: str) -> str | None:
        role = USERS[username][1]
        if role not in ("ADMINISTRATOR", "SUPERUSER"):
            return "An access token requires ADMINISTRATOR or SUPERUSER privileges"
        return None

    # -- the service ----------------------------------------------------------------------

    def __call__(self, request: EmulatedRequest) -> EmulatedResponse:
        if request.path == TOKEN_PATH:
            return self.tokens(request)
        if request.path.startswith(DIRECTORY_PATH + "accounts/") and request.method == "GET":
            return self._directory(request.path.rsplit("/", 1)[1])
        if not request.path.startswith(PREFIX):
            return _error(404, "Not Found", f"no resource at {request.path}")
        route = request.path[len(PREFIX) :].strip("/")
        token = self.tokens.check(request)
        if token is None:
            return _error(
                401, "Unauthorized", "Full authentication is required to access this resource"
            )
        for header in ("X-Client-ID", "X-Client-Version"):
            if not request.header(header):
                return _error(400, "Bad Request", f"Missing request header '{header}'")
        if route == "partners" and request.method == "GET":
            problem = self._check_names(request)
            return problem or self._list(request)
        problem = self._check_ids(request)
        if problem:
            return problem
        company = request.header("x-company-id") or ""
        key = (str(ACCOUNT_ID), company)
        if route == "partners/secure-hash":
            if request.method == "POST":
                with self.lock:
                    self.secure_hashes[key] = self.secure_hashes.get(key) or str(uuid.uuid4())
                    self.writes["secure-hash"] += 1
                return self._hash_answer(key, 201)
            if request.method == "GET":
                if key not in self.secure_hashes:
                    return _error(
                        404, "Not Found", "No secure hash exists for this account and company"
                    )
                return self._hash_answer(key, 200)
        if route == "dispatch/accept" and request.method == "POST":
            problem = self._check_hash(request, key, required=True)
            return problem or self._create(request)
        match = re.fullmatch(r"partners/([^/]+)(?:/(addresses|contacts|service-areas))?", route)
        if match:
            partner = self.partners.get(match.group(1))
            if partner is None:
                return _error(404, "Not Found", f"Crowd partner {match.group(1)} not found")
            sub = match.group(2)
            if sub and request.method == "GET":
                field = {
                    "addresses": "address",
                    "contacts": "contacts",
                    "service-areas": "serviceAreas",
                }[sub]
                value = partner.get(field)
                rows = [value] if isinstance(value, dict) else list(value or [])
                return EmulatedResponse.json({"results": rows})
            if not sub and request.method == "PUT":
                problem = self._check_hash(request, key, required=False)
                return problem or self._update(request, partner)
        return _error(404, "Not Found", f"no {request.method} on {route}")

    def _directory(self, account: str) -> EmulatedResponse:
        if account != ACCOUNT:
            return _error(404, "Not Found", f"account {account} not found")
        return EmulatedResponse.json(
            {"accountName": ACCOUNT, "clusterName": "sandbox", "URL": self.cluster_url}
        )

    def _check_names(self, request: EmulatedRequest) -> EmulatedResponse | None:
        for header in ("X-Account-Name", "X-Company-Name"):
            if not request.header(header):
                return _error(400, "Bad Request", f"Missing request header '{header}'")
        if request.header("x-account-name") != ACCOUNT:
            return _error(403, "Forbidden", "Account not accessible with this token")
        if request.header("x-company-name") not in {c["name"] for c in COMPANIES}:
            return _error(403, "Forbidden", "Company not accessible with this token")
        return None

    def _check_ids(self, request: EmulatedRequest) -> EmulatedResponse | None:
        for header in ("X-Account-ID", "X-Company-Id"):
            if not request.header(header):
                return _error(400, "Bad Request", f"Missing request header '{header}'")
        if request.header("x-account-id") != str(ACCOUNT_ID):
            return _error(403, "Forbidden", "Account not accessible with this token")
        if request.header("x-company-id") not in {str(c["id"]) for c in COMPANIES}:
            return _error(403, "Forbidden", "Company not accessible with this token")
        return None

    def _check_hash(
        self, request: EmulatedRequest, key: tuple[str, str], *, required: bool
    ) -> EmulatedResponse | None:
        given = request.header("x-secure-hash")
        if given is None and not required:
            return None
        expected = self.secure_hashes.get(key)
        if not given or not expected or not secrets.compare_digest(given, expected):
            return _error(403, "Forbidden", "Missing or invalid X-Secure-Hash")
        return None

    def _hash_answer(self, key: tuple[str, str], status: int) -> EmulatedResponse:
        return EmulatedResponse.json(
            {
                "results": [
                    {
                        "accountId": int(key[0]),
                        "companyId": int(key[1]),
                        "secureHash": self.secure_hashes[key],
                    }
                ]
            },
            status,
        )

    def _list(self, request: EmulatedRequest) -> EmulatedResponse:
        try:
            page = int(request.arg("page", "0") or 0)
            size = int(request.arg("size", "20") or 20)
            offset = int(request.arg("offset", "0") or 0)
        except ValueError:
            return _error(400, "Bad Request", "page, size and offset must be integers")
        if page < 0 or size < 1 or offset < 0:
            return _error(400, "Bad Request", "page and offset must be >= 0 and size >= 1")
        rows = list(self.partners.values())[offset:]
        for criterion in reversed(request.query.get("sort", [])):
            field, _, direction = criterion.partition(",")
            rows.sort(key=_sort_key(field), reverse=direction.lower() == "desc")
        chunk = rows[page * size : (page + 1) * size]
        total_pages = (len(rows) + size - 1) // size
        return EmulatedResponse.json(
            {
                "results": [_answer(p) for p in chunk],
                "number": page,
                "size": size,
                "totalPages": total_pages,
                "totalElements": len(rows),
                "first": page == 0,
                "last": page >= total_pages - 1,
            }
        )

    def _read_partner(self, request: EmulatedRequest) -> dict[str, Any] | EmulatedResponse:
        try:
            body = json.loads(request.body)
        except ValueError:
            return _error(400, "Bad Request", "JSON parse error")
        if not isinstance(body, dict) or not str(body.get("name") or "").strip():
            return _error(400, "Bad Request", "name must not be blank")
        areas = body.pop("serviceAreas", None)
        single = body.pop("serviceArea", None)
        body["serviceAreas"] = areas if isinstance(areas, list) else ([single] if single else [])
        for area in body["serviceAreas"]:
            unit = (area.get("radius") or {}).get("unit")
            if unit is not None and unit not in ("km", "mi"):
                return _error(400, "Bad Request", f"radius.unit must be km or mi, got {unit}")
        return body

    def _create(self, request: EmulatedRequest) -> EmulatedResponse:
        body = self._read_partner(request)
        if isinstance(body, EmulatedResponse):
            return body
        with self.lock:
            partner_id = body.get("id") or uuid.uuid4().hex
            body["id"] = partner_id
            self.partners[partner_id] = body
            self.writes["dispatch/accept"] += 1
        return EmulatedResponse.json({"results": [_answer(body)]}, 201)

    def _update(self, request: EmulatedRequest, partner: dict[str, Any]) -> EmulatedResponse:
        body = self._read_partner(request)
        if isinstance(body, EmulatedResponse):
            return body
        with self.lock:
            body["id"] = partner["id"]
            body["syncStatus"] = partner.get("syncStatus", "IN_CLOUD")
            self.partners[partner["id"]] = body
            self.writes["update"] += 1
        return EmulatedResponse.json({"results": [_answer(body)]})

    def client_config(self, url: str) -> dict[str, Any]:
        self.cluster_url = url
        return {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "username": "sandbox/manager",
            "password": USERS["sandbox/manager"][0],
            "token_url": url + TOKEN_PATH,
            "directory_url": url + DIRECTORY_PATH,
            "allowed_cluster_hosts": "127.0.0.1",  # text: also read from the environment
        }


def _sort_key(field: str) -> Callable[[dict[str, Any]], str]:
    return lambda partner: str(partner.get(field) or "")


def _answer(partner: dict[str, Any]) -> dict[str, Any]:
    """A partner as the service answers: one `serviceArea` object, or `null` when none."""
    answer = {k: v for k, v in partner.items() if k != "serviceAreas"}
    areas = partner.get("serviceAreas") or []
    answer["serviceArea"] = areas[0] if areas else None
    return answer


def _vary(partner: dict[str, Any], n: int) -> None:
    """The variants real answers show, spread over the seeded partners."""
    if n == 0:  # SAP's partner-portal test data
        partner["serviceAreas"][0].update(latitude=14545454, longitude=-2000.5)
    if n % 5 == 2:
        partner["serviceAreas"] = []
    if n % 4 == 1:
        partner["contact"] = partner["contacts"][0]
    if n % 3 == 0:
        partner["address"]["number"] = f"{partner['address']['number']}a"


def _error(status: int, error: str, message: str) -> EmulatedResponse:
    return EmulatedResponse.json({"status": status, "error": error, "message": message}, status)


def create_emulator(seed: int = 0) -> BackendEmulator:
    """The sandbox's SAP FSM Crowd Partner service."""
    emulator = FSMEmulator(seed)
    return BackendEmulator(
        name="fsm",
        app=emulator,
        client_config=emulator.client_config,
        state=emulator,
        credentials={"client_id": CLIENT_ID, "username": "sandbox/manager"},
    )
