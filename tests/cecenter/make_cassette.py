"""Writes cassettes/tutorial.yaml from the CECenter Mashup tutorial: the token request with
the tutorial's scopes, customer signup and login, ticket types and statuses, and a ticket
created, listed, read and updated (204)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import yaml

TENANT = "mytenant"
API = "https://api.yaas.io"
MASHUP = f"{API}/hybris/cecentermashup/v1/{TENANT}/"
SCOPES = (
    f"hybris.tenant={TENANT} hybris.customer_read hybris.customer_create hybris.product_read_unpublished "
    "hybris.product_create hybris.product_publish hybris.serviceticket_view hybris.serviceticket_manage "
    "hybris.serviceticket_configuration_view hybris.interactionlog_manage"
)
TICKET = {
    "type": "SERVICE_REQUEST",
    "status": "OPEN",
    "customerId": "C0001",
    "productId": "5a1c2e",
    "shortDescription": "My tv does not work",
    "createdBy": "SYSTEM",
}
STORED = {
    **TICKET,
    "id": "T0001",
    "creationDateTime": "2016-11-22T06:23:02.000+0000",
    "typeDescription": {"en": "Service request"},
    "statusDescription": {"en": "Open"},
}


def interaction(
    method: str,
    uri: str,
    body: object,
    answer: object,
    status: int = 200,
    headers: dict[str, list[str]] | None = None,
    response_headers: dict[str, list[str]] | None = None,
) -> dict[str, object]:
    return {
        "request": {
            "method": method,
            "uri": uri,
            "body": body if body is None or isinstance(body, str) else json.dumps(body),
            "headers": headers
            or {"Authorization": ["Bearer REDACTED"], "Content-Type": ["application/json"]},
        },
        "response": {
            "status": {"code": status, "message": "OK"},
            "headers": {"Content-Type": ["application/json"], **(response_headers or {})},
            "body": {"string": "" if answer is None else json.dumps(answer)},
        },
    }


def main() -> None:
    token_form = urlencode(
        [
            ("grant_type", "client_credentials"),
            ("scope", SCOPES),
            ("token_type", "Bearer"),
            ("client_id", "clientIdPlaceholder"),
            ("client_secret", "REDACTED"),
        ]
    )
    interactions = [
        interaction(
            "POST",
            f"{API}/hybris/oauth2/v1/token",
            token_form,
            {
                "token_type": "Bearer",
                "access_token": "REDACTED",
                "expires_in": 3600,
                "scope": SCOPES,
            },
            headers={"Content-Type": ["application/x-www-form-urlencoded"]},
        ),
        interaction(
            "POST",
            f"{API}/hybris/customer/v1/{TENANT}/signup",
            {"email": "testme@yaastest.com", "password": "REDACTED"},
            {"id": "C0001"},
            201,
        ),
        interaction(
            "POST",
            f"{API}/hybris/customer/v1/{TENANT}/login",
            {"email": "testme@yaastest.com", "password": "REDACTED"},
            {"accessToken": "REDACTED"},
        ),
        interaction(
            "GET",
            MASHUP + "serviceTicketTypes",
            None,
            [{"code": "SERVICE_REQUEST", "description": {"en": "Service request"}}],
        ),
        interaction(
            "GET",
            MASHUP + "serviceTicketStatus",
            None,
            [{"code": "OPEN", "description": {"en": "Open"}}],
        ),
        interaction(
            "POST",
            MASHUP + "serviceTickets",
            TICKET,
            {"id": "T0001", "link": MASHUP + "serviceTickets/T0001"},
            201,
            response_headers={"Location": [MASHUP + "serviceTickets/T0001"]},
        ),
        interaction(
            "GET",
            MASHUP + "serviceTickets?pageNumber=1&pageSize=64&totalCount=true",
            None,
            [STORED],
            response_headers={"hybris-count": ["1"]},
        ),
        interaction("GET", MASHUP + "serviceTickets/T0001", None, STORED),
        # update(): read the ticket, PUT it back whole with the change (204), read it again.
        interaction("GET", MASHUP + "serviceTickets/T0001", None, STORED),
        interaction(
            "PUT",
            MASHUP + "serviceTickets/T0001",
            {
                **TICKET,
                "id": "T0001",
                "shortDescription": "My tv remote does not work",
                "creationDateTime": "2016-11-22T06:23:02.000+0000",
            },
            None,
            204,
        ),
        interaction(
            "GET",
            MASHUP + "serviceTickets/T0001",
            None,
            {**STORED, "shortDescription": "My tv remote does not work"},
        ),
    ]
    path = Path(__file__).with_name("cassettes") / "tutorial.yaml"
    path.write_text(
        yaml.safe_dump(
            {"interactions": interactions, "version": 1}, sort_keys=False, allow_unicode=True
        )
    )


if __name__ == "__main__":
    main()
