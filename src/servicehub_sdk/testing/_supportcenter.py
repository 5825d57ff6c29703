"""SupportCenter Plus emulator: the ManageEngine v3 wire format.

`input_data` JSON as a form field (POST/PUT) or query parameter (GET), singular wrapper keys,
`response_status` objects (one entity) and arrays (lists), v3 message codes (4001 extra key,
4007 unknown id, 4012 mandatory value, 4022 bad key), `list_info` paging and search criteria,
uploads, and the callback URL invoked when a request is resolved or closed.
"""

from __future__ import annotations

import json
import random
import re
import secrets
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from typing import Any

from ._sandbox import BackendEmulator
from ._server import EmulatedRequest, EmulatedResponse

__all__ = ["SupportCenterEmulator", "create_emulator"]

API_KEY = "sandbox-scp-technician-key"
PREFIX = "/api/v3/"
# Real v3 ids are long digit strings (e.g. "123640000000240013").
ID_BASE = 123_640_000_000_000_000

ADMIN = {
    "categories": ("category", ["Hardware", "Software", "Network", "Machine", "Access"]),
    "subcategories": ("subcategory", ["Spindle", "Laser", "Controller", "Printer", "VPN"]),
    "items": ("item", ["Replace part", "Calibrate", "Update firmware", "Reset"]),
    "statuses": ("status", ["Open", "On Hold", "In Progress", "Resolved", "Closed"]),
    "levels": ("level", ["Tier 1", "Tier 2", "Tier 3"]),
    "modes": ("mode", ["E-Mail", "Phone Call", "Web Form", "API"]),
    "urgencies": ("urgency", ["Low", "Normal", "High", "Urgent"]),
    "priorities": ("priority", ["Low", "Normal", "Medium", "High"]),
    "request_templates": ("request_template", ["Default Request", "Machine Breakdown"]),
    "support_groups": ("support_group", ["Field Service", "Remote Support", "Spare Parts"]),
}
LOOKUP_MODULE = {
    "status": "statuses",
    "priority": "priorities",
    "urgency": "urgencies",
    "level": "levels",
    "mode": "modes",
    "category": "categories",
    "subcategory": "subcategories",
    "item": "items",
    "group": "support_groups",
    "template": "request_templates",
}
TOP = {
    "requests": "request",
    "technicians": "technician",
    "requesters": "requester",
    "cm_assets": "cm_assets",
}


class _Fail(Exception):
    def __init__(
        self,
        http_status: int,
        code: int,
        message: str,
        field: str | None = None,
        *,
        fields: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.http_status, self.code, self.message, self.field = http_status, code, message, field
        self.fields = fields or ([field] if field else [])

    def status(self) -> dict[str, Any]:
        """The `response_status` of the failure, in the shape real servers use for its code.

        4012 (mandatory missing) names the fields in `messages[].fields` inside a generic 4000
        envelope; key, permission and not-found failures (4022, 4002, 4007) carry their code
        on the envelope and plain `{type, message, field}` messages; the rest a coded message.
        """
        if self.code == 4012:
            message: dict[str, Any] = {
                "status_code": 4012,
                "type": "failed",
                "fields": self.fields,
            }
            return {"status_code": 4000, "status": "failed", "messages": [message]}
        message = {"type": "failed", "message": self.message}
        if self.field:
            message["field"] = self.field
        if self.code in (4002, 4007, 4022):
            return {"status_code": self.code, "status": "failed", "messages": [message]}
        return {
            "status_code": 4000,
            "status": "failed",
            "messages": [{"status_code": self.code, **message}],
        }


def _ok() -> dict[str, Any]:
    return {"status_code": 2000, "status": "success"}


def _time(ms: int) -> dict[str, str]:
    return {
        "value": str(ms),
        "display_value": time.strftime("%b %d, %Y %I:%M %p", time.gmtime(ms / 1000)),
    }


class SupportCenterEmulator:
    """In-memory SupportCenter Plus.

    Args:
        note_key: the wrapper of note answers: `"note"`, or `"request_note"` as
            ServiceDesk-Plus-family servers answer (`request_note` / `request_notes`). Notes are
            accepted under either wrapper.

    Attributes:
        records: module -> id -> record (wire form).
        callbacks: `(url, body)` of every callback delivered.
        writes: how often each write was applied.
        locked_fields: request fields the key's role may not set: giving one is refused with
            HTTP 403 and code 4002 (`Cannot give value for <field>`).
        now: the server's clock (seconds since the epoch): what `created_time` and
            `last_updated_time` are stamped with (every change of a request moves its
            `last_updated_time`); tests replace it to skew the server's clock.
    """

    def __init__(self, seed: int = 0, *, requests: int = 300, note_key: str = "note") -> None:
        rng = random.Random(seed)
        self.note_key = note_key
        self.locked_fields: set[str] = set()
        self.now: Callable[[], float] = time.time
        self.query_key_name = "TECHNICIAN_KEY"
        self.lock = threading.RLock()
        self.writes: Counter[str] = Counter()
        self.callbacks: list[tuple[str, dict[str, Any]]] = []
        self._next = 1000
        self.records: dict[str, dict[str, dict[str, Any]]] = {m: {} for m in [*ADMIN, *TOP]}
        self.sub: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        self.files: dict[str, bytes] = {}
        for module, (_, names) in ADMIN.items():
            for name in names:
                self._add(module, {"name": name, "description": f"{name} ({module})"})
        for n in range(8):
            self._add(
                "technicians",
                {
                    "name": f"Rep {n + 1}",
                    "email_id": f"rep{n + 1}@scp.example",
                    "support_groups": [self._ref("support_groups", rng)],
                },
            )
        self.me = next(iter(self.records["technicians"].values()))
        for n in range(40):
            self._add(
                "requesters",
                {"name": f"Requester {n + 1}", "email_id": f"user{n + 1}@customer.example"},
            )
        start = 1_700_000_000_000
        for n in range(requests):
            created = start + n * 3_600_000
            record = self._add(
                "requests",
                {
                    "subject": rng.choice(
                        [
                            "Spindle noise",
                            "Printer offline",
                            "VPN down",
                            "Laser power low",
                            "Login fails",
                        ]
                    )
                    + f" #{n + 1}",
                    "description": "Raised by the sandbox seed.",
                    "requester": self._ref("requesters", rng, email=True),
                    "technician": self._ref("technicians", rng) if rng.random() < 0.7 else None,
                    "status": self._ref("statuses", rng),
                    "priority": self._ref("priorities", rng),
                    "urgency": self._ref("urgencies", rng),
                    "category": self._ref("categories", rng),
                    "group": self._ref("support_groups", rng),
                    "mode": self._ref("modes", rng),
                    "created_time": _time(created),
                    "due_by_time": _time(created + 86_400_000),
                },
            )
            record["created_by"] = dict(record["requester"])  # raised through the portal
            self._realistic(record, created)
            self.sub[("requests", record["id"])] = {
                "notes": {},
                "worklogs": {},
                "notifications": {},
                "conversations": {},
                "attachments": {},
                "resolutions": {},
            }
            self._sub_add(
                record["id"],
                "conversations",
                {
                    "subject": record["subject"],
                    "type": "request",
                    "description": record["description"],
                    "from": record["requester"],
                },
            )
        for n in range(5):
            self._add("cm_assets", {"name": f"Asset {n + 1}", "serial": f"AS-{n + 1:04d}"})

    # -- store helpers -------------------------------------------------------------------

    def _ms(self) -> int:
        return int(self.now() * 1000)

    def _touched(self, record: dict[str, Any]) -> None:
        record["last_updated_time"] = _time(self._ms())

    def _id(self) -> str:
        self._next += 1
        return str(ID_BASE + self._next)

    def _add(self, module: str, data: dict[str, Any]) -> dict[str, Any]:
        record = {"id": self._id(), **{k: v for k, v in data.items() if v is not None}}
        self.records[module][record["id"]] = record
        return record

    def _realistic(self, record: dict[str, Any], now: int) -> None:
        """What real v3 answers add to a request: `display_id`, `last_updated_time`, and
        lookups that are `null` rather than absent."""
        record["display_id"] = str(len(self.records["requests"]))
        record["last_updated_time"] = _time(now)
        for lookup in ("technician", "site", "template", "item", "subcategory", "level"):
            record.setdefault(lookup, None)

    def _ref(self, module: str, rng: random.Random, email: bool = False) -> dict[str, Any]:
        record = rng.choice(list(self.records[module].values()))
        ref = {"id": record["id"], "name": record["name"]}
        if email:
            ref["email_id"] = record.get("email_id")
        return ref

    def _sub_add(self, request_id: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        record = {"id": self._id(), "created_time": _time(self._ms()), **data}
        self.sub[("requests", request_id)][kind][record["id"]] = record
        return record

    def _resolve_lookup(self, field: str, value: Any) -> dict[str, Any]:
        module = LOOKUP_MODULE.get(field)
        if module is None:
            if field == "technician":
                module = "technicians"
            elif field == "requester":
                return self._requester(value)
            else:
                return value if isinstance(value, dict) else {"name": value}
        if not isinstance(value, dict) or not (value.get("id") or value.get("name")):
            raise _Fail(400, 4001, f"{field} must be an object with id or name", field)
        for record in self.records[module].values():
            if str(value.get("id")) == record["id"] or value.get("name") == record.get("name"):
                return {"id": record["id"], "name": record["name"]}
        raise _Fail(400, 4001, f"Invalid value for {field}", field)

    def _requester(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _Fail(400, 4001, "requester must be an object", "requester")
        for record in self.records["requesters"].values():
            if (
                value.get("id") == record["id"]
                or (value.get("name") and value.get("name") == record["name"])
                or (value.get("email_id") and value.get("email_id") == record.get("email_id"))
            ):
                return {
                    "id": record["id"],
                    "name": record["name"],
                    "email_id": record.get("email_id"),
                }
        return self._add(
            "requesters",
            {
                "name": value.get("name") or value.get("email_id") or "Guest",
                "email_id": value.get("email_id"),
            },
        )

    # -- HTTP --------------------------------------------------------------------------

    def __call__(self, request: EmulatedRequest) -> EmulatedResponse:
        try:
            if not request.path.startswith(PREFIX):
                raise _Fail(404, 4007, "Invalid URL")
            key = (
                request.header("authtoken")
                or request.header("technician_key")
                or request.arg(self.query_key_name)
            )
            if not key or not secrets.compare_digest(key, API_KEY):
                raise _Fail(401, 4022, "Invalid API Key")
            with self.lock:
                return self._route(request, request.path[len(PREFIX) :].strip("/").split("/"))
        except _Fail as failure:
            return EmulatedResponse.json({"response_status": failure.status()}, failure.http_status)

    def _input(self, request: EmulatedRequest) -> dict[str, Any]:
        if request.method == "GET":
            raw = request.arg("input_data")
        elif "multipart/form-data" in (request.header("content-type") or ""):
            return {}
        else:
            raw = request.form().get("input_data") if request.body else None
        if raw is None:
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            raise _Fail(400, 4001, "input_data is not valid JSON", "input_data") from None
        if not isinstance(data, dict):
            raise _Fail(400, 4001, "input_data must be a JSON object", "input_data")
        return data

    @staticmethod
    def _wrapped(data: dict[str, Any], key: str, *, required: bool = True) -> dict[str, Any]:
        extra = [k for k in data if k != key]
        if extra:
            raise _Fail(400, 4001, "EXTRA_KEY_FOUND_IN_JSON", extra[0])
        if key not in data:
            if required:
                raise _Fail(400, 4012, f"{key} is mandatory", key)
            return {}
        if not isinstance(data[key], dict):
            raise _Fail(400, 4021, f"{key} must be an object", key)
        return dict(data[key])

    def _route(self, request: EmulatedRequest, parts: list[str]) -> EmulatedResponse:
        method = request.method
        data = self._input(request)
        module = parts[0]
        if module in ADMIN or module == "technicians":
            key = ADMIN[module][0] if module in ADMIN else "technician"
            if method != "GET" or len(parts) > 2:
                raise _Fail(405 if method != "GET" else 404, 4007, "Invalid URL")
            return self._read(module, key, parts, data)
        if module in ("requesters", "cm_assets"):
            key = TOP[module]
            if method == "GET":
                return self._read(module, key, parts, data)
            if method == "POST" and len(parts) == 1:
                body = self._wrapped(data, key)
                if not body.get("name"):
                    raise _Fail(400, 4012, "name is mandatory", "name")
                self.writes[f"add {key}"] += 1
                return self._one(key, self._add(module, body), 201)
            record = self._find(module, parts)
            if method == "PUT":
                record.update(self._wrapped(data, key))
                self.writes[f"edit {key}"] += 1
                return self._one(key, record)
            if method == "DELETE":
                del self.records[module][record["id"]]
                self.writes[f"delete {key}"] += 1
                return EmulatedResponse.json({"response_status": _ok()})
        if module == "requests":
            return self._requests(request, parts, data)
        raise _Fail(404, 4007, "Invalid URL")

    def _find(self, module: str, parts: list[str]) -> dict[str, Any]:
        if len(parts) < 2 or parts[1] not in self.records[module]:
            raise _Fail(404, 4007, "Resource not found", "id")
        return self.records[module][parts[1]]

    def _one(self, key: str, record: dict[str, Any], status: int = 200) -> EmulatedResponse:
        return EmulatedResponse.json({key: record, "response_status": _ok()}, status)

    def _read(
        self, module: str, key: str, parts: list[str], data: dict[str, Any]
    ) -> EmulatedResponse:
        if len(parts) == 2:
            return self._one(key, self._find(module, parts))
        return self._list(list(self.records[module].values()), module, data)

    def _list(
        self, rows: list[dict[str, Any]], plural: str, data: dict[str, Any]
    ) -> EmulatedResponse:
        info = self._wrapped(data, "list_info", required=False) if data else {}
        row_count = info.get("row_count", 100)
        start = info.get("start_index", 1)
        if not isinstance(row_count, int) or not 1 <= row_count <= 100:
            raise _Fail(400, 4001, "row_count must be between 1 and 100", "row_count")
        if not isinstance(start, int) or start < 1:
            raise _Fail(400, 4001, "start_index must be 1 or more", "start_index")
        criteria = info.get("search_criteria")
        if criteria:
            rows = [
                r
                for r in rows
                if _matches(r, criteria if isinstance(criteria, list) else [criteria])
            ]
        if info.get("sort_field"):
            field = info["sort_field"]
            rows = sorted(
                rows,
                key=lambda r: str(_value(r, field) or ""),
                reverse=info.get("sort_order") == "desc",
            )
        chunk = rows[start - 1 : start - 1 + row_count]
        if info.get("fields_required"):
            wanted = set(info["fields_required"]) | {"id"}
            chunk = [{k: v for k, v in r.items() if k in wanted} for r in chunk]
        answer_info: dict[str, Any] = {
            "has_more_rows": start - 1 + row_count < len(rows),
            "start_index": start,
            "row_count": len(chunk),
        }
        if info.get("get_total_count"):
            answer_info["total_count"] = len(rows)
        return EmulatedResponse.json(
            {plural: chunk, "list_info": answer_info, "response_status": [_ok()]}
        )

    # -- requests -------------------------------------------------------------------

    def _requests(
        self, request: EmulatedRequest, parts: list[str], data: dict[str, Any]
    ) -> EmulatedResponse:
        method = request.method
        if len(parts) == 1:
            if method == "GET":
                return self._list(list(self.records["requests"].values()), "requests", data)
            if method == "POST":
                return self._create_request(self._wrapped(data, "request"))
            raise _Fail(405, 4007, "Invalid URL")
        record = self._find("requests", parts)
        rid = record["id"]
        if len(parts) == 2:
            if method == "GET":
                return self._one("request", record)
            if method == "PUT":
                changes = self._request_fields(self._wrapped(data, "request"))
                record.update(changes)
                self._touched(record)
                self.writes["edit request"] += 1
                return self._one("request", record)
            if method == "DELETE":
                del self.records["requests"][rid]
                self.writes["delete request"] += 1
                return EmulatedResponse.json({"response_status": _ok()})
        action = parts[2]
        if action in ("close", "_close") and method == "PUT":
            body = self._wrapped(data, "request", required=False)
            closure = body.get("closure_info") or {}
            if not isinstance(closure, dict):
                raise _Fail(400, 4021, "closure_info must be an object", "closure_info")
            record["status"] = self._resolve_lookup("status", {"name": "Closed"})
            record["closure_info"] = closure
            self._touched(record)
            self.writes["close request"] += 1
            self._callback(record, "closed")
            return self._one("request", record)
        if action == "move_to_trash" and method == "PUT":
            del self.records["requests"][rid]
            self.writes["delete request"] += 1
            return EmulatedResponse.json({"response_status": _ok()})
        if action == "pickup" and method == "PUT":
            record["technician"] = {"id": self.me["id"], "name": self.me["name"]}
            self._touched(record)
            return self._one("request", record)
        if action == "assign" and method == "PUT":
            body = self._wrapped(data, "request")
            if not body:
                raise _Fail(400, 4012, "technician or group is mandatory", "technician")
            for field in ("technician", "group"):
                if field in body:
                    record[field] = self._resolve_lookup(field, body[field])
            self._touched(record)
            return self._one("request", record)
        if action == "reply" and method == "POST":
            reply = self._wrapped(data, "reply")
            if not reply.get("description"):
                raise _Fail(400, 4012, "description is mandatory", "description")
            notification = self._sub_add(
                rid,
                "notifications",
                {
                    "subject": reply.get("subject") or f"Re: {record['subject']}",
                    "description": reply["description"],
                    "type": "reply",
                    "to": reply.get("to") or [record.get("requester")],
                },
            )
            self._sub_add(
                rid,
                "conversations",
                {
                    "subject": notification["subject"],
                    "type": "reply",
                    "description": reply["description"],
                },
            )
            self.writes["reply"] += 1
            return self._one("notification", notification, 201)
        if action in ("upload", "_upload") and method == "PUT":
            return self._upload(request, rid)
        if action == "attachments" and method == "GET":
            items = list(self.sub[("requests", rid)]["attachments"].values())
            if (
                len(parts) == 5
                and parts[4] == "download"
                and parts[3] in self.sub[("requests", rid)]["attachments"]
            ):
                return EmulatedResponse(
                    200, self.files[parts[3]], {"Content-Type": "application/octet-stream"}
                )
            if len(parts) > 3:
                raise _Fail(404, 4007, "Resource not found", "id")
            return EmulatedResponse.json({"attachments": items, "response_status": [_ok()]})
        if action == "resolutions":
            store = self.sub[("requests", rid)]["resolutions"]
            if method == "GET":
                return self._one("resolution", store.get("current", {}))
            if method == "PUT" and not store.get("current"):
                raise _Fail(404, 4007, "Resource not found", "resolution")
            if method in ("POST", "PUT"):
                body = self._wrapped(data, "resolution")
                if not body.get("content"):
                    raise _Fail(400, 4012, "content is mandatory", "content")
                store["current"] = {
                    "content": body["content"],
                    "submitted_on": _time(self._ms()),
                    "submitted_by": {"id": self.me["id"], "name": self.me["name"]},
                }
                record["status"] = self._resolve_lookup("status", {"name": "Resolved"})
                self._touched(record)
                self.writes["resolution"] += 1
                self._callback(record, "resolved")
                return self._one("resolution", store["current"])
        if action in ("notes", "worklogs", "notifications", "conversations"):
            return self._request_sub(method, rid, action, parts, data)
        raise _Fail(404, 4007, "Invalid URL")

    def _request_fields(self, body: dict[str, Any]) -> dict[str, Any]:
        for field in body:
            if field in self.locked_fields:
                raise _Fail(403, 4002, f"Cannot give value for {field}", field)
        fields = dict(body)
        for field, value in body.items():
            if field in LOOKUP_MODULE or field in ("technician", "requester"):
                fields[field] = self._resolve_lookup(field, value)
        if "callback_url" in fields and not re.match(r"^https?://", str(fields["callback_url"])):
            raise _Fail(400, 4001, "callback_url must be an http(s) URL", "callback_url")
        return fields

    def _create_request(self, body: dict[str, Any]) -> EmulatedResponse:
        if not str(body.get("subject") or "").strip():
            raise _Fail(400, 4012, "subject is mandatory", "subject")
        fields = self._request_fields(body)
        fields.setdefault("status", self._resolve_lookup("status", {"name": "Open"}))
        now = self._ms()
        fields["created_time"] = _time(now)
        # The server writes the creator: the support rep whose key made the call.
        fields["created_by"] = {k: self.me[k] for k in ("id", "name", "email_id")}
        record = self._add("requests", fields)
        self._realistic(record, now)
        self.sub[("requests", record["id"])] = {
            k: {}
            for k in (
                "notes",
                "worklogs",
                "notifications",
                "conversations",
                "attachments",
                "resolutions",
            )
        }
        self.writes["add request"] += 1
        return self._one("request", record, 201)

    def raise_as_requester(self, subject: str, email_id: str = "user1@customer.example") -> str:
        """A request raised by a requester (self-service portal or e-mail), as the server
        records it: `created_by` is the requester. Returns its id."""
        with self.lock:
            requester = self._requester({"email_id": email_id})
            requester = {k: requester.get(k) for k in ("id", "name", "email_id")}
            now = self._ms()
            record = self._add(
                "requests",
                {
                    "subject": subject,
                    "requester": requester,
                    "created_by": requester,
                    "status": self._resolve_lookup("status", {"name": "Open"}),
                    "created_time": _time(now),
                },
            )
            self._realistic(record, now)
            self.sub[("requests", record["id"])] = {
                k: {}
                for k in (
                    "notes",
                    "worklogs",
                    "notifications",
                    "conversations",
                    "attachments",
                    "resolutions",
                )
            }
            return str(record["id"])

    def _request_sub(
        self, method: str, rid: str, kind: str, parts: list[str], data: dict[str, Any]
    ) -> EmulatedResponse:
        store = self.sub[("requests", rid)][kind]
        key = kind[:-1]
        answer_key, plural = key, kind
        if kind == "notes":  # answered as `note` or `request_note`; sent under either
            answer_key, plural = self.note_key, self.note_key + "s"
            if "request_note" in data and "note" not in data:
                key = "request_note"
        writable = kind in ("notes", "worklogs")
        if len(parts) == 3:
            if method == "GET":
                return self._list(list(store.values()), plural, data)
            if method == "POST" and writable:
                body = self._wrapped(data, key)
                self._check_sub(kind, body)
                self.writes[f"add {kind[:-1]}"] += 1
                return self._one(answer_key, self._sub_add(rid, kind, body), 201)
            raise _Fail(405, 4007, "Invalid URL")
        record = store.get(parts[3])
        if record is None:
            raise _Fail(404, 4007, "Resource not found", "id")
        if method == "GET":
            return self._one(answer_key, record)
        if method == "PUT" and writable:
            body = self._wrapped(data, key)
            record.update(body)
            self.writes[f"edit {kind[:-1]}"] += 1
            return self._one(answer_key, record)
        if method == "DELETE" and writable:
            del store[parts[3]]
            self.writes[f"delete {kind[:-1]}"] += 1
            return EmulatedResponse.json({"response_status": _ok()})
        raise _Fail(405, 4007, "Invalid URL")

    @staticmethod
    def _check_sub(kind: str, body: dict[str, Any]) -> None:
        if kind == "notes" and not body.get("description"):
            raise _Fail(400, 4012, "description is mandatory", "description")
        if kind == "worklogs":
            missing = [field for field in ("owner", "time_spent") if not body.get(field)]
            if missing:
                raise _Fail(400, 4012, "mandatory fields missing", fields=missing)
            spent = body["time_spent"]
            if not isinstance(spent, dict) or not {"hours", "minutes"} <= set(spent):
                raise _Fail(400, 4021, "time_spent needs hours and minutes", "time_spent")

    def _upload(self, request: EmulatedRequest, rid: str) -> EmulatedResponse:
        content_type = request.header("content-type") or ""
        if "multipart/form-data" not in content_type:
            raise _Fail(400, 4001, "upload needs multipart/form-data", "input_file")
        message = BytesParser(policy=policy.default).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.body
        )
        files = []
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") != "input_file":
                continue
            raw = part.get_payload(decode=True)
            payload = raw if isinstance(raw, bytes) else b""
            attachment = self._sub_add(
                rid,
                "attachments",
                {
                    "name": part.get_filename() or "file",
                    "size": {"value": len(payload), "display_value": f"{len(payload)} bytes"},
                    "content_type": part.get_content_type(),
                },
            )
            attachment["content_url"] = (
                f"/api/v3/requests/{rid}/attachments/{attachment['id']}/download"
            )
            self.files[attachment["id"]] = payload
            files.append(attachment)
        if not files:
            raise _Fail(400, 4012, "input_file is mandatory", "input_file")
        self.writes["upload"] += 1
        return EmulatedResponse.json({"files": files, "response_status": [_ok()]})

    def _callback(self, record: dict[str, Any], event: str) -> None:
        url = record.get("callback_url")
        if not url:
            return
        body = {
            "request": {
                "id": record["id"],
                "subject": record.get("subject"),
                "status": record.get("status"),
            },
            "event": event,
        }

        def deliver() -> None:
            data = json.dumps(body).encode()
            call = urllib.request.Request(
                url, data=data, method="POST", headers={"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(call, timeout=5):
                    pass
            except OSError:
                return
            self.callbacks.append((url, body))

        threading.Thread(target=deliver, daemon=True).start()

    def client_config(self, url: str) -> dict[str, Any]:
        return {"base_url": url, "api_key": API_KEY}


def _value(record: dict[str, Any], field: str) -> Any:
    value: Any = record
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    return value


def _condition(record: dict[str, Any], term: dict[str, Any]) -> bool:
    actual = _value(record, str(term.get("field", "")))
    wanted = term.get("values", term.get("value"))
    wanted_list = wanted if isinstance(wanted, list) else [wanted]
    text = "" if actual is None else str(actual)
    condition = str(term.get("condition", "is")).lower()
    if condition in ("is", "eq"):
        return text in [str(w) for w in wanted_list]
    if condition in ("is not", "neq"):
        return text not in [str(w) for w in wanted_list]
    if condition == "contains":
        return any(str(w).lower() in text.lower() for w in wanted_list)
    if condition == "not contains":
        return not any(str(w).lower() in text.lower() for w in wanted_list)
    if condition == "starts with":
        return any(text.lower().startswith(str(w).lower()) for w in wanted_list)
    if condition == "ends with":
        return any(text.lower().endswith(str(w).lower()) for w in wanted_list)
    try:
        number = float(text)
        if condition == "greater than":
            return number > float(str(wanted_list[0]))
        if condition == "lesser than":
            return number < float(str(wanted_list[0]))
        if condition == "between":
            return float(str(wanted_list[0])) <= number <= float(str(wanted_list[1]))
    except (TypeError, ValueError, IndexError):
        return False
    raise _Fail(400, 4001, f"Unknown condition {condition}", "condition")


def _matches(record: dict[str, Any], terms: list[dict[str, Any]]) -> bool:
    result: bool | None = None
    for term in terms:
        value = _condition(record, term)
        if term.get("children"):
            value = _matches_group(record, value, term["children"])
        operator = str(term.get("logical_operator", "AND")).upper()
        result = (
            value
            if result is None
            else (result and value if operator == "AND" else result or value)
        )
    return bool(result)


def _matches_group(record: dict[str, Any], first: bool, children: list[dict[str, Any]]) -> bool:
    result = first
    for child in children:
        value = _condition(record, child)
        operator = str(child.get("logical_operator", "AND")).upper()
        result = result and value if operator == "AND" else result or value
    return result


def create_emulator(seed: int = 0) -> BackendEmulator:
    """The sandbox's SupportCenter Plus."""
    emulator = SupportCenterEmulator(seed)
    return BackendEmulator(
        name="supportcenter",
        app=emulator,
        client_config=emulator.client_config,
        state=emulator,
        credentials={"api_key": API_KEY},
    )
