"""The Secure Service Hub emulator's data: plain dicts in wire spelling, seeded per run."""

from __future__ import annotations

import random
import re
import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from graphql import GraphQLError

_COUNTRY = re.compile(r"^[A-Z]{2}$")

_COMPANY_WORDS = [
    "Acme",
    "Bauer",
    "Contoso",
    "Delta",
    "Eisen",
    "Fabrik",
    "Global",
    "Hansa",
    "Iberia",
    "Jade",
    "Kraft",
    "Lumen",
    "Metall",
    "Nord",
    "Orion",
    "Präzision",
    "Quarz",
    "Rhein",
    "Stahl",
    "Titan",
    "Union",
    "Vortex",
    "Werk",
    "Xylo",
    "Zentral",
]
_SUFFIXES = ["GmbH", "AG", "KG", "S.A.", "Ltd", "Inc.", "S.r.l.", "B.V."]
_CITIES = [
    ("DE", "Berlin", "10115"),
    ("DE", "München", "80331"),
    ("DE", "Dresden", "01067"),
    ("AT", "Wien", "1010"),
    ("CH", "Zürich", "8001"),
    ("FR", "Lyon", "69001"),
    ("IT", "Milano", "20121"),
    ("NL", "Eindhoven", "5611"),
    ("US", "Chicago", "60601"),
    ("GB", "Leeds", "LS1 1UR"),
    ("PL", "Poznań", "61-001"),
]
_TECHNOLOGIES = ["Laser cutting", "Bending", "Milling", "Turning", "Grinding", "Welding"]
_BRANDS = ["TruLine", "Cutmaster", "FlexForm", "MillPro", "Sparx"]
STATES = ["New", "Open", "In progress", "Waiting for customer", "Closed"]
_PEOPLE = ["Anna Schmidt", "Ben Müller", "Chloé Martin", "Dario Rossi", "Eva Nowak", None]
_PRIORITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"]
_SEVERITIES = ["MACHINE_BREAKDOWN", "PRODUCTION_IMPAIRED", "NO_IMPAIRMENT"]


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class SSHStore:
    """Service organisations, customers, machine models, machines and service cases.

    Attributes:
        writes: how many times each mutation was applied (proves no write was duplicated).
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        organisations: int = 3,
        customers: int = 250,
        models: int = 40,
        machines: int = 600,
        cases: int = 300,
    ) -> None:
        self.lock = threading.RLock()
        self.writes: Counter[str] = Counter()
        rng = random.Random(seed)
        self._ids = random.Random(seed + 1)
        self.organisations: dict[str, dict[str, Any]] = {}
        self.customers: dict[str, dict[str, Any]] = {}
        self.models: dict[str, dict[str, Any]] = {}
        self.machines: dict[str, dict[str, Any]] = {}
        self.cases: dict[str, dict[str, Any]] = {}
        # external ID -> record, kept by the methods below (bulk runs look up every write)
        self._customer_keys: dict[str, dict[str, Any]] = {}
        self._model_keys: dict[str, dict[str, Any]] = {}
        self._machine_keys: dict[str, dict[str, Any]] = {}
        for n in range(organisations):
            org_id = self._new_id()
            region = ["DACH", "Western Europe", "North America", "Asia Pacific"][n % 4]
            self.organisations[org_id] = {
                "id": org_id,
                "name": f"Service {region}",
                "description": f"Field service for {region}",
            }
        org_ids = list(self.organisations)
        for n in range(customers):
            country, city, postal = rng.choice(_CITIES)
            self._add_customer(
                {
                    "name": f"{rng.choice(_COMPANY_WORDS)} {rng.choice(_COMPANY_WORDS)} {rng.choice(_SUFFIXES)}",
                    "externalId": f"C-{10001 + n}",
                    "serviceOrganisation": rng.choice(org_ids),
                    "address": {
                        "country": country,
                        "city": city,
                        "postalCode": postal,
                        "street": f"{rng.choice(_COMPANY_WORDS)}straße {rng.randint(1, 200)}",
                        "state": None,
                        "street2": None,
                    },
                },
                status=rng.choice(["ACTIVE", "ACTIVE", "ACTIVE", "INVITED"]),
            )
        for n in range(models):
            technology = rng.choice(_TECHNOLOGIES)
            self._add_model(
                {
                    "modelName": f"{rng.choice(_BRANDS)} {technology.split()[0]} {100 + n * 10}",
                    "technology": technology,
                    "brand": rng.choice(_BRANDS),
                    "externalId": f"MAT-{200001 + n}",
                }
            )
        customer_ids = list(self.customers)
        model_ids = list(self.models)
        for n in range(machines):
            self._add_machine(
                customer_id=rng.choice(customer_ids),
                model_id=rng.choice(model_ids),
                serial=f"SN{rng.randint(10**7, 10**8 - 1)}",
                external_id=f"EQ-{300001 + n}",
                edge=f"EDGE-{rng.randint(1000, 9999)}" if rng.random() < 0.5 else None,
                sp1=rng.random() < 0.2,
            )
        machine_ids = list(self.machines)
        start = datetime(2025, 1, 1, tzinfo=UTC)
        for n in range(cases):
            created = start + timedelta(hours=rng.randint(0, 24 * 600))
            state = rng.choice(STATES)
            closed = state == "Closed"
            case_id = self._new_id()
            self.cases[case_id] = {
                "id": case_id,
                "displayId": f"SC-{5001 + n}",
                "externalId": None if rng.random() < 0.4 else f"NOTIF-{700001 + n}",
                "title": rng.choice(
                    ["Spindle noise", "Axis drift", "Coolant leak", "Laser power low", "HMI frozen"]
                ),
                "description": "Reported by the operator through the Secure Service Hub app.",
                "priority": rng.choice(_PRIORITIES),
                "severity": rng.choice(_SEVERITIES),
                "createdAt": _iso(created),
                "updatedAt": _iso(created + timedelta(hours=rng.randint(1, 72))),
                "closedAt": _iso(created + timedelta(days=rng.randint(1, 20))) if closed else None,
                "state": {"name": state},
                "creator": {"name": rng.choice([p for p in _PEOPLE if p])},
                "assignee": {"name": rng.choice(_PEOPLE)},
                "machineId": rng.choice(machine_ids),
                "customFields": [
                    {"key": "errorCode", "value": f"E{rng.randint(100, 999)}"},
                    {"key": "operatingHours", "value": str(rng.randint(100, 40000))},
                ],
                "closingReport": (
                    {"isSolved": rng.random() < 0.9, "notes": "Replaced worn part."}
                    if closed
                    else None
                ),
            }

    # -- ids and records ----------------------------------------------------------------

    def _new_id(self) -> str:
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    def _add_customer(self, data: dict[str, Any], status: str = "ACTIVE") -> dict[str, Any]:
        customer_id = self._new_id()
        record = {
            "id": customer_id,
            "name": data["name"],
            "status": status,
            "externalId": data.get("externalId"),
            "organisationId": data["serviceOrganisation"],
            "address": _address(data["address"]),
            "createdAt": _iso(datetime.now(UTC)),
        }
        self.customers[customer_id] = record
        _index(self._customer_keys, record)
        return record

    def _add_model(self, data: dict[str, Any]) -> dict[str, Any]:
        model_id = self._new_id()
        record = {
            "id": model_id,
            **{k: data.get(k) for k in ("modelName", "technology", "brand", "externalId")},
        }
        self.models[model_id] = record
        _index(self._model_keys, record)
        return record

    def _add_machine(
        self,
        *,
        customer_id: str,
        model_id: str,
        serial: str,
        external_id: str | None,
        edge: str | None,
        sp1: bool | None,
    ) -> dict[str, Any]:
        machine_id = self._new_id()
        model = self.models[model_id]
        record = {
            "id": machine_id,
            "serialNumber": serial,
            "displayName": f"{model['modelName']} ({serial})",
            "externalId": external_id,
            "status": "CONNECTED" if edge else "NOT_CONNECTED",
            "isSp1Migration": sp1,
            "edgeDeviceSerialNumber": edge,
            "modelId": model_id,
            "customerId": customer_id,
        }
        self.machines[machine_id] = record
        _index(self._machine_keys, record)
        return record

    # -- views in the API's shape ----------------------------------------------------------

    def customer_view(self, record: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in record.items() if k != "organisationId"}
        view["serviceOrganisation"] = self.organisations.get(record["organisationId"])
        return view

    def machine_view(self, record: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in record.items() if k not in ("modelId", "customerId")}
        view["machineModel"] = self.models.get(record["modelId"])
        customer = self.customers.get(record["customerId"])
        view["customer"] = self.customer_view(customer) if customer else None
        return view

    def case_view(self, record: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in record.items() if k != "machineId"}
        machine = self.machines.get(record["machineId"])
        view["customerMachine"] = self.machine_view(machine) if machine else None
        return view

    # -- lookups ------------------------------------------------------------------------

    def customer_by_external_id(self, external_id: str) -> dict[str, Any] | None:
        return _found(self._customer_keys, external_id)

    def model_by_external_id(self, external_id: str) -> dict[str, Any] | None:
        return _found(self._model_keys, external_id)

    def machine_by_external_id(self, external_id: str) -> dict[str, Any] | None:
        return _found(self._machine_keys, external_id)

    # -- mutations ------------------------------------------------------------------------

    def create_customer(self, data: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if not data.get("name", "").strip():
                raise _error("Customer name must not be empty", "BAD_USER_INPUT")
            self._check_organisation(data["serviceOrganisation"])
            _check_address(data["address"])
            external_id = data.get("externalId")
            if external_id and self.customer_by_external_id(external_id):
                raise _error(
                    f"A customer with externalId '{external_id}' already exists", "CONFLICT"
                )
            record = self._add_customer(data, status="INVITED")
            self.writes["createCustomer"] += 1
            return self.customer_view(record)

    def update_customer(
        self, data: dict[str, Any], *, key: tuple[str, str] | None = None, partial: bool = False
    ) -> dict[str, Any]:
        """Apply `updateCustomer`: the customer is found by `key` (`("id", …)` or
        `("externalId", …)`), else by `data["externalId"]` (the document's form, which cannot
        change the external ID). `partial` addresses keep the fields they leave out."""
        with self.lock:
            by, value = key or ("externalId", data["externalId"])
            if by == "id":
                record = self.customers.get(value)
            else:
                record = self.customer_by_external_id(value)
            if record is None:
                raise _error(f"Customer with {by} '{value}' not found", "NOT_FOUND")
            if data.get("serviceOrganisation") is not None:
                self._check_organisation(data["serviceOrganisation"])
                record["organisationId"] = data["serviceOrganisation"]
            if data.get("name") is not None:
                if not data["name"].strip():
                    raise _error("Customer name must not be empty", "BAD_USER_INPUT")
                record["name"] = data["name"]
            if key is not None and data.get("externalId") is not None:
                self._customer_keys.pop(record["externalId"] or "", None)
                record["externalId"] = data["externalId"]
                _index(self._customer_keys, record)
            if data.get("address") is not None:
                address = data["address"]
                if partial:
                    given = {k: v for k, v in address.items() if v is not None}
                    address = {**record["address"], **given}
                _check_address(address)
                record["address"] = _address(address)
            self.writes["updateCustomer"] += 1
            return self.customer_view(record)

    def create_model(self, data: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            external_id = data.get("externalId")
            if external_id and self.model_by_external_id(external_id):
                raise _error(
                    f"A machine model with externalId '{external_id}' already exists", "CONFLICT"
                )
            self.writes["createMachineModel"] += 1
            return dict(self._add_model(data))

    def create_machine(self, data: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            customer = self.customer_by_external_id(data["customer"]["customerExternalId"])
            if customer is None:
                raise _error(
                    f"Customer with externalId '{data['customer']['customerExternalId']}' not found",
                    "NOT_FOUND",
                )
            model = self.model_by_external_id(data["machineModel"]["machineModelExternalId"])
            if model is None:
                raise _error(
                    "Machine model with externalId "
                    f"'{data['machineModel']['machineModelExternalId']}' not found",
                    "NOT_FOUND",
                )
            external_id = data.get("externalId")
            if external_id and self.machine_by_external_id(external_id):
                raise _error(
                    f"A customer machine with externalId '{external_id}' already exists", "CONFLICT"
                )
            record = self._add_machine(
                customer_id=customer["id"],
                model_id=model["id"],
                serial=data["serialNumber"],
                external_id=external_id,
                edge=data.get("edgeDeviceSerialNumber"),
                sp1=data.get("isSp1Migration"),
            )
            self.writes["createCustomerMachine"] += 1
            return self.machine_view(record)

    def link_case(self, case_id: str, external_id: str) -> dict[str, Any]:
        with self.lock:
            record = self.cases.get(case_id)
            if record is None:
                raise _error(f"Service case '{case_id}' not found", "NOT_FOUND")
            record["externalId"] = external_id
            record["updatedAt"] = _iso(datetime.now(UTC))
            self.writes["updateServiceCaseExternalId"] += 1
            return self.case_view(record)

    def _check_organisation(self, org_id: str) -> None:
        if org_id not in self.organisations:
            raise _error(f"Service organisation '{org_id}' does not exist", "BAD_USER_INPUT")


def _index(keys: dict[str, dict[str, Any]], record: dict[str, Any]) -> None:
    if record.get("externalId"):
        keys.setdefault(record["externalId"], record)


def _found(keys: dict[str, dict[str, Any]], external_id: str) -> dict[str, Any] | None:
    record = keys.get(external_id)
    return record if record is not None and record["externalId"] == external_id else None


def _address(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data.get(k) for k in ("country", "state", "city", "postalCode", "street", "street2")}


def _check_address(data: dict[str, Any]) -> None:
    if not _COUNTRY.match(data.get("country") or ""):
        raise _error(
            f"address.country must be an ISO 3166-1 alpha-2 code, got '{data.get('country')}'",
            "BAD_USER_INPUT",
        )


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
