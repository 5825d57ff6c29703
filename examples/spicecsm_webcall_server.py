"""A SpiceCSM web-call endpoint in a few typed callbacks, served as ASGI (uvicorn) or WSGI.

    python examples/spicecsm_webcall_server.py            # serve, drive it once like SpiceCSM, stop
    python examples/spicecsm_webcall_server.py --serve    # keep serving on 127.0.0.1:8765

Configure SpiceCSM's web calls to `http://<host>:8765/account/search`, `/account/load`,
`/account/update` and `/case/update`, with the same intUser/intPass.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, make_server

from servicehub_sdk.spicecsm import AccountData, CaseUpdate, SearchRequest, UserSummary, WebCallApp

CRM = {
    "jdoe": {
        "name": "John Doe",
        "email": "johnd@xyz.net",
        "phone": "(555) 555-5555",
        "city": "Anywhere",
    },
    "mmuster": {
        "name": "Max Mustermann",
        "email": "max@example.de",
        "phone": "+49 30 1234567",
        "city": "Berlin",
    },
}


def search(request: SearchRequest) -> list[UserSummary]:
    wanted = (request.last_name or request.userkey or "").lower()
    return [
        UserSummary(
            userkey=key, status="Active", name=row["name"], email=row["email"], phone=row["phone"]
        )
        for key, row in CRM.items()
        if wanted and (wanted in row["name"].lower() or wanted == key)
    ]


def load(userkey: str) -> AccountData | None:
    row = CRM.get(userkey)
    if row is None:
        return None
    first, _, last = row["name"].partition(" ")
    return AccountData.model_validate(
        {
            "user": {"userkey": userkey, "status": "Active", "password": ""},
            "contacts": [
                {
                    "firstname": first,
                    "lastname": last,
                    "city": row["city"],
                    "pphone": row["phone"],
                    "pemail": row["email"],
                }
            ],
        }
    )


def account_update(account: AccountData) -> None:
    print(f"account update for {account.user.userkey}: {len(account.contacts)} contact(s)")


def case_update(update: CaseUpdate) -> None:
    for ticket in update.tickets:
        print(
            f"case {ticket.cid} for {update.userkey}: {ticket.status} ({ticket.date:%Y-%m-%d %H:%M})"
            if ticket.date
            else f"case {ticket.cid} for {update.userkey}: {ticket.status}"
        )


app = WebCallApp(
    int_user=os.environ.get("SPICE_INT_USER", "spice"),
    int_pass=os.environ.get("SPICE_INT_PASS", "change-me"),
    on_search=search,
    on_load=load,
    on_account_update=account_update,
    on_case_update=case_update,
)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    port = 8765 if "--serve" in sys.argv else 0
    server = make_server("127.0.0.1", port, app.wsgi, handler_class=_Quiet)
    if "--serve" in sys.argv:
        print(f"serving SpiceCSM web calls on http://127.0.0.1:{server.server_port}")
        server.serve_forever()
        return
    threading.Thread(target=server.serve_forever, daemon=True).start()
    from servicehub_sdk.testing import SpiceDriver

    driver = SpiceDriver(
        f"http://127.0.0.1:{server.server_port}",
        "spice",
        os.environ.get("SPICE_INT_PASS", "change-me"),
    )
    print("search 'Doe':", [u["name"] for u in driver.search(LastName="Doe")])
    print("load jdoe:", driver.load("jdoe")["contacts"][0]["pemail"])
    driver.update_case(
        "jdoe",
        [{"cid": "6344", "id": "7906", "date": "1/27/06 1:27:51 PM", "status": "In Progress"}],
    )
    time.sleep(0.05)
    server.shutdown()


if __name__ == "__main__":
    main()
