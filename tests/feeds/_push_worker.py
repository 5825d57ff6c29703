"""Serves one SpiceCSM case update with `WebCallApp(inbox=...)` and is killed (SIGKILL) right
after answering it: nothing closed, nothing flushed, no other code run.

    python -m tests.feeds._push_worker STATE wsgi        prints its port, serves one request
    python -m tests.feeds._push_worker STATE asgi BODY   answers BODY (a form), prints the status

WSGI runs on a loopback `wsgiref` server, so the answer has reached the client when the
process dies; ASGI drives the app as a server does and dies as soon as the answer is sent.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from servicehub_sdk.feeds import WebCallInbox
from servicehub_sdk.spicecsm import WebCallApp

FEED = "spicecsm"
USER, PASSWORD = "spice", "int-pass-S3cr3t"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def serve_wsgi(app: WebCallApp) -> None:
    server = make_server("127.0.0.1", 0, app.wsgi, handler_class=_Quiet)
    print(server.server_port, flush=True)
    server.handle_request()
    _die()


async def serve_asgi(app: WebCallApp, body: bytes) -> None:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/case/update",
        "headers": [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ],
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            print(message["status"], flush=True)
        else:
            _die()

    await app(scope, receive, send)


def main(state: str, server: str, body: str = "") -> None:
    app = WebCallApp(int_user=USER, int_pass=PASSWORD, inbox=WebCallInbox(state, name=FEED))
    if server == "wsgi":
        serve_wsgi(app)
    else:
        asyncio.run(serve_asgi(app, body.encode()))


if __name__ == "__main__":
    main(*sys.argv[1:])
