"""SpiceCSM emulators, written from the SpiceCSM integration document and its PHP API client:

- `SpiceDriver` behaves like SpiceCSM toward a web-call endpoint: it POSTs the form variables
  (`intUser`/`intPass` always, only the search variables that hold data) and validates the XML
  answer strictly against the document's structure;
- `SpiceRpcServer` is a JSON-RPC server with sessions (that expire), the core methods over an
  in-memory store, both encodings (form field `request` or JSON body) and both protocol
  versions (2.0 with batches);
- the telephony pop page echoes what it received.

It parses XML with the standard library on its own; it shares no code with the SDK's client.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any
from urllib.parse import unquote

import httpx

from .sandbox import BackendEmulator
from .server import EmulatedRequest, EmulatedResponse

__all__ = ["DriverError", "SpiceDriver", "SpiceRpcServer", "create_emulator"]

RPC_PATH = "/api/spiceAPIServer/spiceAPIServer.php"
POP_PATH = "/spiceinstall/integrations/telephony/telephonypop.php"
API_USER = "sandbox-api"
API_PASSWORD = "sandbox-api-password"
_ENCODED = re.compile(r"^(?:[A-Za-z0-9]|%[0-9A-Fa-f]{2})*$")
SEARCH_VARIABLES = [
    "Userkey",
    "FirstName",
    "LastName",
    "AddressOne",
    "AddressTwo",
    "City",
    "Region",
    "PostalCode",
    "Country",
    "PrimaryPhone",
    "SecondayPhone",
    "PrimaryEmail",
    "SecondaryEmail",
    "Fax",
    "Modile",
    "Password",
    "Status",
    "AccountID",
    "CustFields",
]


class DriverError(AssertionError):
    """The web call answered something SpiceCSM would not accept."""


def _encode(text: str) -> str:
    return "".join(
        chr(b) if chr(b).isascii() and chr(b).isalnum() else f"%{b:02X}"
        for b in text.encode("utf-8")
    )


def _decoded(element: ET.Element) -> dict[str, str]:
    values = {}
    for key, value in element.attrib.items():
        if not _ENCODED.match(value):
            raise DriverError(
                f"<{element.tag} {key}={value!r}>: attribute values must be percent-encoded"
            )
        values[key] = unquote(value, encoding="utf-8", errors="strict")
    return values


class SpiceDriver:
    """Plays SpiceCSM toward a web-call endpoint.

    Args:
        base_url: where the integrator's web calls are served.
        int_user, int_pass: the credentials SpiceCSM sends with every call.
        paths: the four web-call paths (defaults `/account/search`, `/account/load`,
            `/account/update`, `/case/update`).
    """

    def __init__(
        self, base_url: str, int_user: str, int_pass: str, *, paths: dict[str, str] | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = {"intUser": int_user, "intPass": int_pass}
        self.paths = {
            "search": "/account/search",
            "load": "/account/load",
            "account_update": "/account/update",
            "case_update": "/case/update",
            **(paths or {}),
        }

    def post(
        self, call: str, variables: dict[str, str], *, credentials: dict[str, str] | None = None
    ) -> httpx.Response:
        """POST one web call's form variables (empty ones left out, as SpiceCSM does)."""
        form = {
            **(self.credentials if credentials is None else credentials),
            **{k: v for k, v in variables.items() if v},
        }
        return httpx.post(self.base_url + self.paths[call], data=form, timeout=10)

    @staticmethod
    def _document(response: httpx.Response, root: str) -> ET.Element:
        if response.status_code != 200:
            raise DriverError(
                f"the web call answered HTTP {response.status_code}: {response.text[:200]}"
            )
        if "xml" not in response.headers.get("content-type", ""):
            raise DriverError("the web call must answer XML")
        try:
            document = ET.fromstring(response.content)
        except ET.ParseError as exc:
            raise DriverError(f"the answer is not well-formed XML: {exc}") from None
        if document.tag != root:
            raise DriverError(f"expected <{root}>, got <{document.tag}>")
        return document

    def search(self, **variables: str) -> list[dict[str, str]]:
        """An account search; returns the decoded `<user/>` attributes, validated."""
        unknown = set(variables) - set(SEARCH_VARIABLES)
        if unknown:
            raise ValueError(f"not SpiceCSM search variables: {sorted(unknown)}")
        document = self._document(self.post("search", variables), "users")
        users = []
        for child in document:
            if child.tag != "user":
                raise DriverError(f"<users> may hold only <user/>, not <{child.tag}>")
            if len(child) or (child.text or "").strip():
                raise DriverError("<user/> elements are empty")
            attributes = _decoded(child)
            if not attributes.get("userkey"):
                raise DriverError("every <user/> needs a userkey")
            users.append(attributes)
        if not users and (document.text or "").strip():
            raise DriverError("an empty search answer is <users/> with no content")
        return users

    def load(self, userkey: str) -> dict[str, Any]:
        """An account load; returns `{"user", "contacts", "fields"}` decoded, validated."""
        document = self._document(self.post("load", {"Userkey": userkey}), "userdata")
        tags = [child.tag for child in document]
        if not tags:
            return {}
        if (
            tags[0] != "user"
            or set(tags) - {"user", "contacts", "fielddata"}
            or tags.count("user") != 1
        ):
            raise DriverError(
                f"<userdata> holds <user/>, <contacts>, <fielddata> in that order, got {tags}"
            )
        contacts, fields = [], {}
        for section in document:
            if section.tag == "contacts":
                for contact in section:
                    if contact.tag != "contact":
                        raise DriverError(f"<contacts> holds only <contact/>, not <{contact.tag}>")
                    contacts.append(_decoded(contact))
            if section.tag == "fielddata":
                for field in section:
                    decoded = _decoded(field)
                    if field.tag != "field" or "id" not in decoded:
                        raise DriverError("<fielddata> holds <field id=... value=.../> elements")
                    fields[decoded["id"]] = decoded.get("value", "")
        return {"user": _decoded(document[0]), "contacts": contacts, "fields": fields}

    def update_account(
        self, user: dict[str, str], contacts: list[dict[str, str]], fields: dict[str, str]
    ) -> httpx.Response:
        """An account update: `userXML` in the load structure."""
        root = ET.Element("userdata")
        ET.SubElement(root, "user", {k: _encode(v) for k, v in user.items()})
        contact_root = ET.SubElement(root, "contacts")
        for contact in contacts:
            ET.SubElement(contact_root, "contact", {k: _encode(v) for k, v in contact.items()})
        field_root = ET.SubElement(root, "fielddata")
        for field_id, value in fields.items():
            ET.SubElement(field_root, "field", {"id": _encode(field_id), "value": _encode(value)})
        xml = '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="unicode")
        return self.post("account_update", {"userXML": xml})

    def update_case(self, userkey: str, tickets: list[dict[str, str]]) -> httpx.Response:
        """A case update: `Userkey` and `caseXML` (ticket attributes as SpiceCSM writes them)."""
        root = ET.Element("tickets")
        for ticket in tickets:
            ET.SubElement(root, "ticket", ticket)
        return self.post(
            "case_update",
            {
                "Userkey": userkey,
                "caseXML": '<?xml version="1.0" ?>' + ET.tostring(root, encoding="unicode"),
            },
        )


class SpiceRpcServer:
    """The JSON-RPC API and the telephony pop page.

    Attributes:
        tables: table name -> id -> row (`cases`, `accounts`, `agents`, `companies`).
        session_ttl: seconds a session lives.
        calls: how often each method was called.
    """

    def __init__(self, seed: int = 0, *, session_ttl: float = 600) -> None:
        self.lock = threading.Lock()
        self.session_ttl = session_ttl
        self.sessions: dict[str, float] = {}
        self.calls: Counter[str] = Counter()
        self.tables: dict[str, dict[str, dict[str, Any]]] = {
            "agents": {
                str(i): {"id": str(i), "name": f"Agent {i}", "email": f"agent{i}@spice.example"}
                for i in range(1, 6)
            },
            "companies": {"1": {"id": "1", "name": "Sandbox Company"}},
            "accounts": {
                f"acct{i}": {"userkey": f"acct{i}", "name": f"Account {i}", "status": "Active"}
                for i in range(1, 21)
            },
            "cases": {
                str(100 + i): {
                    "id": str(100 + i),
                    "userkey": f"acct{1 + i % 20}",
                    "status": "Open",
                    "issue": "Browsing",
                    "tier": "1",
                }
                for i in range(1, 31)
            },
        }
        self._next_id = 1000 + seed

    def expire_sessions(self) -> None:
        with self.lock:
            self.sessions.clear()

    def __call__(self, request: EmulatedRequest) -> EmulatedResponse:
        if request.path == POP_PATH:
            received = {k: v[0] for k, v in request.query.items()}
            return EmulatedResponse.json({"popped": True, "received": received})
        if request.path != RPC_PATH or request.method != "POST":
            return EmulatedResponse.text("Not Found", 404)
        content_type = request.header("content-type") or ""
        try:
            if "application/x-www-form-urlencoded" in content_type:
                payload = json.loads(request.form().get("request", ""))
            else:
                payload = json.loads(request.body)
        except ValueError:
            return EmulatedResponse.json(
                {"id": None, "result": None, "error": {"code": -32700, "message": "Parse error"}}
            )
        if isinstance(payload, list):
            if not payload:
                return EmulatedResponse.json(
                    {
                        "jsonrpc": "2.0",
                        "id": None,
                        "error": {"code": -32600, "message": "Empty batch"},
                    }
                )
            return EmulatedResponse.json([self._one(item) for item in payload])
        return EmulatedResponse.json(self._one(payload))

    def _one(self, item: Any) -> dict[str, Any]:
        if not isinstance(item, dict) or not isinstance(item.get("method"), str):
            return {
                "id": None,
                "result": None,
                "error": {"code": -32600, "message": "Invalid Request"},
            }
        version = item.get("jsonrpc")
        answer: dict[str, Any] = {"id": item.get("id")}
        if version == "2.0":
            answer["jsonrpc"] = "2.0"
        try:
            result = self._dispatch(item["method"], list(item.get("params") or []))
            answer["result"] = result
            if version != "2.0":
                answer["error"] = None
        except _RpcFail as failure:
            answer["error"] = {"code": failure.code, "message": failure.message}
            if version != "2.0":
                answer["result"] = None
        return answer

    def _dispatch(self, method: str, params: list[Any]) -> Any:
        with self.lock:
            self.calls[method] += 1
            if method == "connect":
                if params[:2] != [API_USER, API_PASSWORD]:
                    raise _RpcFail(-32000, "Invalid username or password")
                session = secrets.token_hex(16)
                self.sessions[session] = time.monotonic() + self.session_ttl
                return {"session": session, "security_level": 5}
            if not params or not self._valid(str(params[-1])):
                raise _RpcFail(-32001, "Invalid or expired session")
            args = params[:-1]
            if method == "checkSession":
                return True
            if method == "agentList":
                return list(self.tables["agents"].values())
            if method == "companyList":
                # A single row comes back as a bare object, as the real server does.
                rows = list(self.tables["companies"].values())
                return rows[0] if len(rows) == 1 else rows
            if method == "caseLoad":
                return self.tables["cases"].get(str(args[0])) or {"msg": "no results"}
            if method == "accountLoad":
                return self.tables["accounts"].get(str(args[0])) or {"msg": "no results"}
            if method == "load":
                table, conditions = self._table(args[0]), (args[1] if len(args) > 1 else {}) or {}
                rows = [
                    r
                    for r in table.values()
                    if all(str(r.get(k)) == str(v) for k, v in conditions.items())
                ]
                if not rows:
                    return {"msg": "no results"}
                return rows[0] if len(rows) == 1 else rows
            if method == "create":
                table = self._table(args[0])
                self._next_id += 1
                row = {**dict(args[1]), "id": str(self._next_id)}
                table[row["id"]] = row
                return row["id"]
            if method == "update":
                existing = self._table(args[0]).get(str(args[1]))
                if existing is None:
                    raise _RpcFail(-32004, "No such row")
                existing.update(dict(args[2]))
                return True
            if method == "delete":
                if self._table(args[0]).pop(str(args[1]), None) is None:
                    raise _RpcFail(-32004, "No such row")
                return True
            if method == "query":
                return {"msg": "no results"}
            raise _RpcFail(-32601, f"Method not found: {method}")

    def _valid(self, session: str) -> bool:
        expires = self.sessions.get(session)
        return expires is not None and expires > time.monotonic()

    def _table(self, name: Any) -> dict[str, dict[str, Any]]:
        table = self.tables.get(str(name))
        if table is None:
            raise _RpcFail(-32602, f"Unknown table {name}")
        return table

    def client_config(self, url: str) -> dict[str, Any]:
        return {"base_url": url, "username": API_USER, "password": API_PASSWORD}


class _RpcFail(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def create_emulator(seed: int = 0) -> BackendEmulator:
    """The sandbox's SpiceCSM JSON-RPC API and telephony pop page."""
    server = SpiceRpcServer(seed)
    return BackendEmulator(
        name="spicecsm",
        app=server,
        client_config=server.client_config,
        state=server,
        credentials={"username": API_USER},
    )
