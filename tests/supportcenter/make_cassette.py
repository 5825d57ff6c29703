"""Writes cassettes/representative.yaml: a request raised, read, listed and closed in the
ManageEngine v3 wire format (form `input_data`, `authtoken` header, `response_status`)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import yaml

BASE = "https://scp.example.com:8080/api/v3/"
OK = {"status_code": 2000, "status": "success"}
REQUEST = {
    "id": "101",
    "subject": "Printer offline",
    "description": "Floor 2",
    "status": {"id": "2", "name": "Open"},
    "priority": {"id": "4", "name": "High"},
    "requester": {"id": "7", "name": "Jane Doe", "email_id": "jane@customer.example"},
    "created_time": {"value": "1700000000000", "display_value": "Nov 14, 2023 10:13 PM"},
}


def form(payload: object) -> str:
    return urlencode({"input_data": json.dumps(payload, separators=(",", ":"))})


def interaction(
    method: str, uri: str, body: str | None, answer: object, status: int = 200
) -> dict[str, object]:
    headers = {"authtoken": ["REDACTED"], "Accept": ["application/vnd.manageengine.v3+json"]}
    if body:
        headers["Content-Type"] = ["application/x-www-form-urlencoded"]
    return {
        "request": {"method": method, "uri": uri, "body": body, "headers": headers},
        "response": {
            "status": {"code": status, "message": "OK"},
            "headers": {"Content-Type": ["application/json;charset=UTF-8"]},
            "body": {"string": json.dumps(answer)},
        },
    }


def main() -> None:
    list_info = {
        "list_info": {
            "row_count": 100,
            "start_index": 1,
            "get_total_count": True,
            "search_criteria": [{"field": "status.name", "condition": "is", "value": "Open"}],
        }
    }
    interactions = [
        interaction(
            "POST",
            BASE + "requests",
            form(
                {
                    "request": {
                        "subject": "Printer offline",
                        "description": "Floor 2",
                        "requester": {"name": "Jane Doe"},
                        "priority": {"name": "High"},
                    }
                }
            ),
            {"request": REQUEST, "response_status": OK},
            201,
        ),
        interaction(
            "GET", BASE + "requests/101", None, {"request": REQUEST, "response_status": OK}
        ),
        interaction(
            "GET",
            BASE
            + "requests?"
            + urlencode({"input_data": json.dumps(list_info, separators=(",", ":"))}),
            None,
            {
                "requests": [REQUEST],
                "list_info": {
                    "has_more_rows": False,
                    "start_index": 1,
                    "row_count": 1,
                    "total_count": 1,
                },
                "response_status": [OK],
            },
        ),
        interaction(
            "PUT",
            BASE + "requests/101/close",
            form(
                {
                    "request": {
                        "closure_info": {
                            "requester_ack_resolution": True,
                            "closure_comments": "Replaced toner",
                            "closure_code": {"name": "Success"},
                        }
                    }
                }
            ),
            {
                "request": {**REQUEST, "status": {"id": "5", "name": "Closed"}},
                "response_status": OK,
            },
        ),
    ]
    path = Path(__file__).with_name("cassettes") / "representative.yaml"
    path.write_text(
        yaml.safe_dump(
            {"interactions": interactions, "version": 1}, sort_keys=False, allow_unicode=True
        )
    )


if __name__ == "__main__":
    main()
