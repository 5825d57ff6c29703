"""WebCallApp at its boundary: hostile XML never reaches a callback, and every request ends in
one of the answers its contract names — under ASGI and WSGI, sync and async callbacks."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from servicehub_sdk.spicecsm import WebCallApp, XMLError, parse_case_xml, parse_userdata

USER, PASSWORD = "spice", "int-pass-5e1f"
SECRET_IN_DTD = "ENTITY-SECRET-VALUE"

_DTD = f'<!DOCTYPE userdata [<!ENTITY s "{SECRET_IN_DTD}">]>'


def _utf7(text: str) -> bytes:
    return text.encode("utf-7")


HOSTILE: dict[str, str | bytes] = {
    "external entity": '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<userdata><user userkey="&x;"/></userdata>',
    "parameter entity": '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd">%p;]>'
    "<userdata/>",
    "billion laughs": '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + ']><userdata><user userkey="&i;"/></userdata>',
    "quadratic blowup": f'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "{"x" * 5000}">]>'
    f'<userdata><user userkey="{"&a;" * 100}"/></userdata>',
    "internal entity in an attribute": f'<?xml version="1.0"?>{_DTD}'
    '<userdata><user userkey="&s;"/></userdata>',
    "doctype without entities": '<!DOCTYPE userdata SYSTEM "userdata.dtd"><userdata/>',
    "UTF-7 DTD": _utf7(
        f'<?xml version="1.0" encoding="UTF-7"?>{_DTD}<userdata><user userkey="&s;"/></userdata>'
    ),
    "UTF-7 declared": b'<?xml version="1.0" encoding="UTF-7"?><userdata><user userkey="a"/></userdata>',
    "UTF-16 DTD with BOM": (
        f'<?xml version="1.0" encoding="UTF-16"?>{_DTD}<userdata><user userkey="&s;"/></userdata>'
    ).encode("utf-16"),
    "UTF-16LE DTD without BOM": (
        f'<?xml version="1.0"?>{_DTD}<userdata><user userkey="&s;"/></userdata>'
    ).encode("utf-16-le"),
    "UTF-16 without DTD": '<userdata><user userkey="a"/></userdata>'.encode("utf-16"),
    "Latin-1 declared": b'<?xml version="1.0" encoding="ISO-8859-1"?><userdata/>',
    "deep nesting": "<userdata>" + "<a>" * 5000 + "</a>" * 5000 + "</userdata>",
    "unclosed": "<userdata><user userkey='jdoe'>",
}


def _as_form_value(document: str | bytes) -> str:
    """How the document reaches the parser through a form: as text (bytes read as Latin-1,
    so that every byte survives, as a lenient sender's would)."""
    return document if isinstance(document, str) else document.decode("latin-1")


@pytest.mark.parametrize("document", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("parse", [parse_userdata, parse_case_xml], ids=["userXML", "caseXML"])
def test_the_parser_refuses_hostile_documents(document: str | bytes, parse: Any) -> None:
    for given in (document, _as_form_value(document)):
        with pytest.raises(XMLError) as caught:
            parse(given)
        assert SECRET_IN_DTD not in str(caught.value)


def test_utf8_with_or_without_declaration_or_bom_is_read() -> None:
    body = '<userdata><user userkey="j%C3%B6"/></userdata>'
    for document in (
        body,
        '<?xml version="1.0" encoding="UTF-8"?>' + body,
        '<?xml version="1.0" encoding="us-ascii"?>' + body,
        b"\xef\xbb\xbf" + body.encode(),
        "<!-- <!DOCTYPE in a comment is no DTD -->" + body,
    ):
        account = parse_userdata(document)
        assert account is not None and account.user.userkey == "jö"


class Calls:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def account_update(self, account: Any) -> None:
        self.seen.append("account_update")

    def case_update(self, update: Any) -> None:
        self.seen.append("case_update")


def _app(calls: Calls, **callbacks: Any) -> WebCallApp:
    return WebCallApp(
        int_user=USER,
        int_pass=PASSWORD,
        on_account_update=calls.account_update,
        on_case_update=calls.case_update,
        **callbacks,
    )


def _form(**fields: str) -> bytes:
    return urlencode({"intUser": USER, "intPass": PASSWORD, **fields}).encode()


def call_asgi(
    app: WebCallApp, path: str, body: bytes, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []
    given = {
        "content-type": "application/x-www-form-urlencoded",
        "content-length": str(len(body)),
        **(headers or {}),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": [(k.encode(), v.encode("utf-8")) for k, v in given.items()],
    }
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], sent[1]["body"]


def call_wsgi(
    app: WebCallApp, path: str, body: bytes, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    statuses: list[str] = []
    given = {"CONTENT_LENGTH": str(len(body)), **(headers or {})}
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "wsgi.input": io.BytesIO(body),
        **given,
    }
    chunks = app.wsgi(environ, lambda status, headers: statuses.append(status))
    return int(statuses[0].split()[0]), b"".join(chunks)


SERVERS = {"asgi": call_asgi, "wsgi": call_wsgi}


@pytest.fixture(params=SERVERS.keys())
def serve(request: pytest.FixtureRequest) -> Any:
    return SERVERS[request.param]


@pytest.mark.parametrize("document", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_xml_is_a_400_and_never_reaches_a_callback(
    serve: Any, document: str | bytes
) -> None:
    calls = Calls()
    app = _app(calls)
    value = _as_form_value(document)
    for path, field in (("/account/update", "userXML"), ("/case/update", "caseXML")):
        status, body = serve(app, path, _form(**{field: value, "Userkey": "u"}))
        assert status == 400, (path, body)
        assert SECRET_IN_DTD.encode() not in body
    assert calls.seen == []


@pytest.mark.parametrize("length", ["²", "1" * 5000, "-1", "1e3", "0x10", " ", "12 34"])
def test_a_malformed_content_length_is_a_400(serve: Any, length: str) -> None:
    calls = Calls()
    status, _ = serve(
        _app(calls),
        "/case/update",
        _form(caseXML="<tickets/>"),
        {"content-length": length} if serve is call_asgi else {"CONTENT_LENGTH": length},
    )
    assert status == 400
    assert calls.seen == []


def _exploding_rows() -> Iterator[dict[str, str]]:
    yield {"userkey": "a", "status": "Active"}
    raise LookupError("database password is hunter2")


class _Falsy:
    def __bool__(self) -> bool:
        raise RuntimeError("hunter2")


BAD_CALLBACKS: dict[str, dict[str, Any]] = {
    "search returns a number": {"on_search": lambda request: 42},
    "search returns rows of the wrong type": {"on_search": lambda request: [object()]},
    "search rows fail while rendered": {"on_search": lambda request: _exploding_rows()},
    "search result refuses to be tested": {"on_search": lambda request: _Falsy()},
    "load returns a string": {"on_load": lambda userkey: "not an account"},
    "load raises": {"on_load": lambda userkey: (_ for _ in ()).throw(KeyError("hunter2"))},
}


async def _async_rows(request: Any) -> Iterator[dict[str, str]]:
    return _exploding_rows()


BAD_CALLBACKS["async search rows fail while rendered"] = {"on_search": _async_rows}


@pytest.mark.parametrize("callbacks", BAD_CALLBACKS.values(), ids=BAD_CALLBACKS.keys())
def test_whatever_a_callback_does_ends_in_a_500(serve: Any, callbacks: dict[str, Any]) -> None:
    app = _app(Calls(), **callbacks)
    if "on_search" in callbacks:
        path, form = "/account/search", _form(lastname="Doe")
    else:
        path, form = "/account/load", _form(Userkey="jdoe")
    status, body = serve(app, path, form)
    assert status == 500
    assert b"hunter2" not in body


def test_the_app_never_raises_to_the_server(serve: Any) -> None:
    """A body that cannot be read (a broken stream) is a 500, not an exception."""

    class Broken(io.BytesIO):
        def read(self, *args: Any) -> bytes:
            raise OSError("connection reset")

    app = _app(Calls())
    if serve is call_wsgi:
        statuses: list[str] = []
        app.wsgi(
            {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/case/update",
                "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "CONTENT_LENGTH": "10",
                "wsgi.input": Broken(),
            },
            lambda status, headers: statuses.append(status),
        )
        assert statuses[0].startswith("500")
        return
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        raise OSError("connection reset")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/case/update", "headers": []}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 500
