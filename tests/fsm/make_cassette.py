"""Writes cassettes/documented_examples.yaml from SAP's Crowd Partner API document.

Requests and answers are the document's examples (sections 1.2 to 1.10); the listing answer
adds the Spring page fields the service sends. The suite only replays the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

CLUSTER = "https://et.dev.coresuite.com"
BASE = CLUSTER + "/cloud-crowd-service/api/crowd-partner/v1/"
PARTNER_ID = "59052728e6434a598d1ff9965637ec1e"
HASH = {"results": [{"accountId": 284, "companyId": 957, "secureHash": "REDACTED"}]}
ADDRESS = {
    "city": "Munich",
    "country": "Germany",
    "id": PARTNER_ID,
    "number": 15,
    "streetName": "Rosenheimer Strasse",
    "zipCode": 81667,
}
CONTACT = {
    "emailAddress": "john.smith@coresystems-partner.com",
    "firstName": "John",
    "id": PARTNER_ID,
    "lastName": "Smith",
    "phoneNumber": "+1234567890",
}
AREA = {
    "googlePlaceId": "ChIJrTLr-GyuEmsRBfy61i59si0",
    "id": "eb581c4d-1eec-4200-af60-ae7be2f01a98",
    "latitude": 48.137154,
    "longitude": 11.576124,
    "radius": {"unit": "mi", "value": 15.5},
}
BODY = {
    "address": ADDRESS,
    "contacts": [CONTACT],
    "id": PARTNER_ID,
    "name": "Coresystems Partner Solutions",
    "serviceArea": AREA,
}
ANSWER = {"results": [{**BODY, "contacts": [{**CONTACT, "role": "PARTNER_ADMIN"}]}]}
TOKEN_ANSWER = {
    "access_token": "REDACTED",
    "token_type": "bearer",
    "expires_in": 43199,
    "scope": "general",
    "cluster_url": CLUSTER,
    "account": "testaccount",
    "account_id": 284,
    "user": "manager",
    "user_email": "test@coresuite.ch",
    "companies": [{"id": 957, "name": "SBODemoCH", "description": "OEC Computers (Schweiz)"}],
}


def interaction(
    method: str,
    uri: str,
    body: object,
    answer: object,
    status: int = 200,
    headers: dict[str, list[str]] | None = None,
) -> dict[str, object]:
    return {
        "request": {
            "method": method,
            "uri": uri,
            "body": body if isinstance(body, str) or body is None else json.dumps(body),
            "headers": headers or {"Authorization": ["Bearer REDACTED"]},
        },
        "response": {
            "status": {"code": status, "message": "OK" if status == 200 else "Created"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps(answer)},
        },
    }


def main() -> None:
    interactions = [
        interaction(
            "POST",
            "https://auth.coresuite.com/api/oauth2/v1/token",
            "grant_type=password&username=cym%2Fmanager&password=REDACTED",
            TOKEN_ANSWER,
            headers={
                "Authorization": ["Basic REDACTED"],
                "Content-Type": ["application/x-www-form-urlencoded"],
            },
        ),
        interaction("POST", BASE + "partners/secure-hash", None, HASH, 201),
        interaction("GET", BASE + "partners/secure-hash", None, HASH),
        interaction(
            "GET",
            BASE + "partners?page=0&size=100",
            None,
            {
                "results": [{"id": PARTNER_ID, "name": "Coresystems Partner Solutions"}],
                "number": 0,
                "size": 100,
                "totalPages": 1,
                "totalElements": 1,
                "first": True,
                "last": True,
            },
        ),
        interaction("GET", BASE + f"partners/{PARTNER_ID}/addresses", None, {"results": [ADDRESS]}),
        interaction(
            "GET",
            BASE + f"partners/{PARTNER_ID}/contacts",
            None,
            {"results": [{**CONTACT, "role": "PARTNER_ADMIN"}]},
        ),
        interaction(
            "GET", BASE + f"partners/{PARTNER_ID}/service-areas", None, {"results": [AREA]}
        ),
        interaction("POST", BASE + "dispatch/accept", BODY, ANSWER, 201),
        interaction("PUT", BASE + f"partners/{PARTNER_ID}", BODY, ANSWER),
    ]
    path = Path(__file__).with_name("cassettes") / "documented_examples.yaml"
    path.write_text(
        yaml.safe_dump(
            {"interactions": interactions, "version": 1}, sort_keys=False, allow_unicode=True
        )
    )


if __name__ == "__main__":
    main()
