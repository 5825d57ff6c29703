"""SpiceCSM emulators, written from the SpiceCSM integration document and its PHP API client:

- `SpiceDriver` behaves like SpiceCSM toward a web-call endpoint: it POSTs the form variables
  (`intUser`/`intPass` always, only the search variables that hold data) and validates the XML
  answer strictly against the document's structure;
- `SpiceCSMEmulator` is a JSON-RPC server with sessions (that expire), the core methods over an
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
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import httpx

from ._sandbox import BackendEmulator
from ._server import EmulatedRequest, EmulatedResponse

__all__ = ["DriverError", "SpiceCSMEmulator", "SpiceDriver", "create_emulator"]

RPC_PATH = "/api/spiceAPIServer/spiceAPIServer.php"
POP_PATH = "/spiceinstall/integrations/telephony/telephonypop.php"
API_USER = "sandbox-api"
API_PASSWORD = "sandbox-api-password"
API_AGENT = "1"
"""The agent the API user is: recorded as `agent_id` on every row it creates."""
# Each method's parameters before the session, as SpiceCSM's PHP client sends them:
# `agentList(obj|null, session)`, `load(obj, session)`, `create([obj, …], session)`,
# `companyList(session)`, `checkSession(session)`, `query(sql, session)` …
SESSION_POSITION = {
    "checksession": 0,
    "companylist": 0,
    "agentlist": 1,
    "caseload": 1,
    "accountload": 1,
    "load": 1,
    "create": 1,
    "update": 1,
    "delete": 1,
    "query": 1,
}
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
    "ModileString",  # the document's table, name and type run together, reads so
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
        int_user: the user name SpiceCSM sends with every call.
        int_pass: the password SpiceCSM sends with every call.
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


class SpiceCSMEmulator:
    """The JSON-RPC API and the telephony pop page.

    Calls have the shapes of SpiceCSM's PHP client (`spiceAPIClient`): `load(obj, session)`
    with one object whose `type` names the table, `create([obj, …], session)`,
    `update([obj, …], session)`, `delete(obj, session)`, `caseLoad(obj, session)`,
    `accountLoad(obj, session)`, `agentList(obj|null, session)`, `companyList(session)`,
    `checkSession(session)`, `query(sql, session)`. Refusals (arrays where one object is
    expected, unknown types, missing records) are answered as a result object
    `{"type": "Error", "message": ...}`; an unknown method or a bad session as a JSON-RPC
    `error`. With `text_ids` every other answer echoes its numeric id as text.

    Cases carry `created` and `updated` (`2026-12-07 16:00:00`, UTC), written by the server
    on `create` and `update`. `query` answers `SELECT * FROM <table>`, optionally with one
    `WHERE <column> >= '<value>'` (or `>`), compared as text.

    Attributes:
        tables: table name -> id -> row (`cases`, `case_notes`, `accounts`, `agents`, `companies`).
        session_ttl: seconds a session lives.
        calls: how often each method was called.
        now: the server's clock (seconds since the epoch): what `created` and `updated` are
            stamped with; tests replace it to skew the server's clock.
    """

    def __init__(self, seed: int = 0, *, session_ttl: float = 600, text_ids: bool = True) -> None:
        self.lock = threading.Lock()
        self.text_ids = text_ids
        self.answers = 0
        self.session_ttl = session_ttl
        self.sessions: dict[str, float] = {}
        self.calls: Counter[str] = Counter()
        self.now: Callable[[], float] = time.time
        seeded = _stamp(1_700_000_000)
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
                    "created": seeded,
                    "updated": seeded,
                }
                for i in range(1, 31)
            },
            "case_notes": {},
        }
        self._next_id = 1000 + seed

    def raise_as_account(self, userkey: str, fields: dict[str, Any]) -> str:
        """A case an account (a customer) raised through the portal: no agent created it.
        Returns its id."""
        with self.lock:
            return self._create({"type": "cases", "userkey": userkey, **fields}, agent=None)

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
        self.answers += 1
        request_id = item.get("id")
        if self.text_ids and self.answers % 2 == 0 and isinstance(request_id, int):
            request_id = str(request_id)  # PHP servers echo the id as text now and then
        answer: dict[str, Any] = {"id": request_id}
        if version == "2.0":
            answer["jsonrpc"] = "2.0"
        try:
            result = self._dispatch(item["method"], list(item.get("params") or []))
            answer["result"] = result
            if version != "2.0":
                answer["error"] = None
        except _RPCFail as failure:
            answer["error"] = {"code": failure.code, "message": failure.message}
            if version != "2.0":
                answer["result"] = None
        return answer

    def _dispatch(self, method: str, params: list[Any]) -> Any:
        # PHP resolves method names case-insensitively; each method has its own arity and
        # takes the session at its own position, as `spiceAPIServer`'s methods do: a call
        # in another shape finds its session slot holding something else.
        name = method.lower()
        with self.lock:
            self.calls[method] += 1
            if name == "connect":
                if params[:2] != [API_USER, API_PASSWORD]:
                    raise _RPCFail(-32000, "Invalid username or password")
                session = secrets.token_hex(16)
                self.sessions[session] = time.monotonic() + self.session_ttl
                return {
                    "session": session,
                    "security_level": 5,
                    "agent_id": API_AGENT,
                    "type": "Agent",
                    "name": "Sandbox API",
                }
            arity = SESSION_POSITION.get(name)
            if arity is None:
                raise _RPCFail(-32601, f"Method not found: {method}")
            given = params[arity] if len(params) > arity else None
            if not isinstance(given, str) or not self._valid(given):
                raise _RPCFail(-32001, "Invalid or expired session")
            args = params[:arity]
            try:
                return self._method(name, args)
            except _Refused as refused:
                return {"type": "Error", "message": str(refused)}

    def _method(self, name: str, args: list[Any]) -> Any:
        if name == "checksession":
            return True
        if name == "agentlist":
            criteria = args[0]
            if criteria is not None and not isinstance(criteria, dict):
                raise _Refused("agentList takes an object or null")
            return self._matching(self.tables["agents"], criteria or {})
        if name == "companylist":
            # A single row comes back as a bare object, as the real server does.
            rows = list(self.tables["companies"].values())
            return rows[0] if len(rows) == 1 else rows
        if name in ("caseload", "accountload", "load", "delete"):
            obj = args[0]
            if not isinstance(obj, dict):
                label = {"caseload": "caseLoad", "accountload": "accountLoad"}.get(name, name)
                raise _Refused(
                    f"Only one object may be used for the {label} function. Arrays are not allowed."
                )
            if name == "caseload":
                return self._matching(self.tables["cases"], obj)
            if name == "accountload":
                return self._matching(self.tables["accounts"], obj)
            criteria = dict(obj)
            table = self._table(criteria.pop("type", None))
            if name == "load":
                return self._matching(table, criteria)
            doomed = [key for key, row in table.items() if _matches(row, criteria)]
            if not criteria or not doomed:
                raise _Refused("No such record")
            for key in doomed:
                del table[key]
            return True
        if name in ("create", "update"):
            objects = args[0]
            if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
                raise _Refused(f"{name} expects an array of objects")
            if name == "create":
                return [self._create(dict(o), agent=API_AGENT) for o in objects]
            for obj in objects:
                fields = dict(obj)
                table = self._table(fields.pop("type", None))
                existing = table.get(str(fields.pop("id", "")))
                if existing is None:
                    raise _Refused("No such record")
                existing.update(fields)
                if table is self.tables["cases"]:
                    existing["updated"] = _stamp(self.now())
            return True
        if name == "query":
            if not isinstance(args[0], str):
                raise _Refused("query expects the SQL text")
            whole = _SELECT_ALL.match(args[0])  # the one statement the sandbox answers
            if whole and whole.group(1) in self.tables:
                rows = [dict(row) for row in self.tables[whole.group(1)].values()]
                column, operator, value = whole.group(2, 3, 4)
                if column:
                    rows = [r for r in rows if _after(r.get(column), operator, value)]
                return rows or {"msg": "no results"}
            return {"msg": "no results"}
        raise _RPCFail(-32601, f"Method not found: {name}")

    def _create(self, fields: dict[str, Any], agent: str | None) -> str:
        table = self._table(fields.pop("type", None))
        self._next_id += 1
        row = {**fields, "id": str(self._next_id)}
        row.pop("agent_id", None)  # the server records the creator; a value sent is ignored
        if agent is not None:
            row["agent_id"] = agent
        if table is self.tables["cases"]:
            row["created"] = row["updated"] = _stamp(self.now())
        table[row["id"]] = row
        return str(row["id"])

    @staticmethod
    def _matching(table: dict[str, dict[str, Any]], criteria: dict[str, Any]) -> Any:
        rows = [row for row in table.values() if _matches(row, criteria)]
        if not rows:
            return {"msg": "no results"}
        return rows[0] if len(rows) == 1 else rows

    def _valid(self, session: str) -> bool:
        expires = self.sessions.get(session)
        return expires is not None and expires > time.monotonic()

    def _table(self, name: Any) -> dict[str, dict[str, Any]]:
        table = self.tables.get(str(name)) if isinstance(name, str) else None
        if table is None:
            raise _Refused(f"Unknown type {name!r}")
        return table

    def client_config(self, url: str) -> dict[str, Any]:
        return {"base_url": url, "username": API_USER, "password": API_PASSWORD}


_SELECT_ALL = re.compile(
    r"\s*SELECT\s+\*\s+FROM\s+([A-Za-z_][A-Za-z0-9_]*)"
    r"(?:\s+WHERE\s+([A-Za-z_][A-Za-z0-9_]*)\s*(>=|>)\s*'([^']*)')?\s*;?\s*\Z",
    re.I,
)


def _stamp(moment: float) -> str:
    """A time as SpiceCSM's MySQL columns hold it: `2026-12-07 16:00:00` (UTC)."""
    return f"{datetime.fromtimestamp(moment, UTC):%Y-%m-%d %H:%M:%S}"


def _after(actual: Any, operator: str, value: str) -> bool:
    if actual is None:
        return False
    return str(actual) >= value if operator == ">=" else str(actual) > value


class _Refused(Exception):
    """A refusal SpiceCSM answers as its error object: `{"type": "Error", "message"}`."""


def _matches(row: dict[str, Any], criteria: dict[str, Any]) -> bool:
    return all(str(row.get(k)) == str(v) for k, v in criteria.items())


class _RPCFail(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def create_emulator(seed: int = 0) -> BackendEmulator:
    """The sandbox's SpiceCSM JSON-RPC API and telephony pop page."""
    server = SpiceCSMEmulator(seed)
    return BackendEmulator(
        name="spicecsm",
        app=server,
        client_config=server.client_config,
        state=server,
        credentials={"username": API_USER},
    )
