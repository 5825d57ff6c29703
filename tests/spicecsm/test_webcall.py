"""WebCallApp over loopback, as ASGI (uvicorn) and WSGI (wsgiref), driven by the SpiceCSM driver."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import httpx
import pytest

from servicehub_sdk.spicecsm import AccountData, CaseUpdate, SearchRequest, WebCallApp
from servicehub_sdk.testing import DriverError, SpiceDriver

SECRET = "int-pass-S3cr3t"


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def search(self, request: SearchRequest) -> list[dict[str, str]]:
        self.calls.append(("search", request))
        if request.last_name == "Nobody":
            return []
        return [
            {
                "userkey": "jdoe",
                "status": "Active",
                "name": "John Doe",
                "email": "johnd@xyz.net",
                "phone": "(555) 555-5555",
            },
            {
                "userkey": "jdoe2",
                "status": "Active",
                "name": "Jöhn Dœ & Söhne <GmbH>",
                "email": "johgnd@xyz.net",
            },
        ]

    async def load(self, userkey: str) -> AccountData | None:
        self.calls.append(("load", userkey))
        if userkey == "missing":
            return None
        return AccountData.model_validate(
            {
                "user": {"userkey": userkey, "status": "Active", "password": ""},
                "contacts": [
                    {"firstname": "John", "lastname": "Doe", "aone": "123 Fake St.", "pc": "123456"}
                ],
                "fields": {"1": "Anything"},
            }
        )

    def account_update(self, account: AccountData) -> None:
        self.calls.append(("account_update", account))

    def case_update(self, update: CaseUpdate) -> None:
        self.calls.append(("case_update", update))
        if update.userkey == "boom":
            raise RuntimeError("database password is hunter2")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(params=["asgi", "wsgi"])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, Recorder, WebCallApp]]:
    recorder = Recorder()
    app = WebCallApp(
        int_user="spice",
        int_pass=SECRET,
        on_search=recorder.search,
        on_load=recorder.load,
        on_account_update=recorder.account_update,
        on_case_update=recorder.case_update,
        max_body_bytes=64 * 1024,
    )
    if request.param == "wsgi":
        server = make_server("127.0.0.1", 0, app.wsgi, handler_class=_Quiet)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}", recorder, app
        server.shutdown()
        server.server_close()
        return
    import uvicorn

    port = _free_port()
    server_ = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off")
    )
    thread = threading.Thread(target=server_.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server_.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}", recorder, app
    server_.should_exit = True
    thread.join(timeout=5)


def test_search_load_and_updates(served: tuple[str, Recorder, WebCallApp]) -> None:
    url, recorder, _ = served
    driver = SpiceDriver(url, "spice", SECRET)
    users = driver.search(LastName="Doe", City="", CustFields="3\\blue")
    assert [u["userkey"] for u in users] == ["jdoe", "jdoe2"]
    assert users[1]["name"] == "Jöhn Dœ & Söhne <GmbH>"
    request = recorder.calls[0][1]
    assert (
        request.last_name == "Doe" and request.city is None and request.cust_fields == {"3": "blue"}
    )
    assert driver.search(LastName="Nobody") == []
    loaded = driver.load("jdoe")
    assert loaded["user"]["userkey"] == "jdoe" and loaded["contacts"][0]["aone"] == "123 Fake St."
    assert loaded["fields"] == {"1": "Anything"}
    assert driver.load("missing") == {}
    response = driver.update_account(
        {"userkey": "jdoe", "status": "Active"},
        [{"firstname": "Jane", "city": "Köln"}],
        {"2": "x y"},
    )
    assert response.status_code == 200
    account = recorder.calls[-1][1]
    assert account.contacts[0].city == "Köln" and account.fields == {"2": "x y"}
    response = driver.update_case(
        "jdoe",
        [{"cid": "6344", "id": "7906", "date": "1/27/06 1:27:51 PM", "status": "In Progress"}],
    )
    assert response.status_code == 200
    update = recorder.calls[-1][1]
    assert update.userkey == "jdoe" and update.tickets[0].date is not None


@pytest.mark.parametrize(
    "credentials",
    [{"intUser": "spice", "intPass": "wrong"}, {"intUser": "x", "intPass": SECRET}, {}],
)
def test_wrong_or_missing_credentials_are_refused_before_any_callback(
    served: tuple[str, Recorder, WebCallApp], credentials: dict[str, str]
) -> None:
    url, recorder, _ = served
    response = SpiceDriver(url, "spice", SECRET).post(
        "search", {"LastName": "Doe"}, credentials=credentials
    )
    assert response.status_code == 403
    assert recorder.calls == []


@pytest.mark.parametrize(
    "xml",
    [
        '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]><userdata><user userkey="&x;"/></userdata>',
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><userdata><user userkey="&b;"/></userdata>',
        "<userdata><user userkey='jdoe'>",
    ],
)
def test_hostile_xml_is_a_400_and_never_reaches_a_callback(
    served: tuple[str, Recorder, WebCallApp], xml: str
) -> None:
    url, recorder, _ = served
    response = SpiceDriver(url, "spice", SECRET).post("account_update", {"userXML": xml})
    assert response.status_code == 400
    assert recorder.calls == []


def test_oversized_body_is_a_413(served: tuple[str, Recorder, WebCallApp]) -> None:
    url, recorder, _ = served
    response = SpiceDriver(url, "spice", SECRET).post(
        "account_update", {"userXML": "<userdata>" + "x" * 70_000 + "</userdata>"}
    )
    assert response.status_code == 413
    assert recorder.calls == []


def test_failing_callback_is_a_500_that_leaks_nothing(
    served: tuple[str, Recorder, WebCallApp],
) -> None:
    url, _, _ = served
    response = SpiceDriver(url, "spice", SECRET).update_case("boom", [{"cid": "1", "id": "2"}])
    assert response.status_code == 500
    assert "hunter2" not in response.text and "RuntimeError" not in response.text


def test_unknown_path_and_method(served: tuple[str, Recorder, WebCallApp]) -> None:
    url, _, _ = served
    assert (
        httpx.post(url + "/nope", data={"intUser": "spice", "intPass": SECRET}).status_code == 404
    )
    assert httpx.get(url + "/account/search").status_code == 405


def test_driver_rejects_unencoded_answers() -> None:
    bad = WebCallApp(int_user="u", int_pass="p", on_search=lambda r: [])
    bad._render = staticmethod(
        lambda kind, result: __import__(
            "servicehub_sdk.spicecsm._webcall", fromlist=["_Answer"]
        )._Answer(  # type: ignore[method-assign]
            200, b'<?xml version="1.0"?><users><user userkey="j doe"/></users>', "text/xml"
        )
    )
    server = make_server("127.0.0.1", 0, bad.wsgi, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with pytest.raises(DriverError, match="percent-encoded"):
        SpiceDriver(f"http://127.0.0.1:{server.server_port}", "u", "p").search(LastName="x")
    server.shutdown()
    server.server_close()


def test_custom_paths_and_sync_handle() -> None:
    app = WebCallApp(
        int_user="u", int_pass="p", on_load=lambda key: None, paths={"load": "/spice/load"}
    )
    status, body, _ = app.handle(
        "POST", "/spice/load", "application/x-www-form-urlencoded", b"intUser=u&intPass=p&Userkey=a"
    )
    assert status == 200 and body.endswith(b"<userdata/>")
    assert (
        app.handle(
            "POST", "/account/load", "application/x-www-form-urlencoded", b"intUser=u&intPass=p"
        )[0]
        == 404
    )
    with pytest.raises(ValueError):
        WebCallApp(int_user="u", int_pass="p", paths={"unknown": "/x"})


def test_async_handle_runs_sync_callbacks_in_a_thread() -> None:
    seen: list[str] = []

    def load(key: str) -> None:
        seen.append(threading.current_thread().name)

    app = WebCallApp(int_user="u", int_pass="p", on_load=load)
    status, _, _ = asyncio.run(
        app.handle_async(
            "POST",
            "/account/load",
            "application/x-www-form-urlencoded",
            b"intUser=u&intPass=p&Userkey=a",
        )
    )
    assert status == 200 and seen and seen[0] != threading.main_thread().name


FORM = "application/x-www-form-urlencoded"


def _big_case_update(user: str, password: str) -> bytes:
    """A case update of about 700 KiB, credentials first, as SpiceCSM posts it."""
    notes = "x " * 120_000
    case_xml = f'<?xml version="1.0" ?><tickets><ticket id="1" notes="{notes}"/></tickets>'
    return urlencode(
        {"intUser": user, "intPass": password, "Userkey": "jdoe", "caseXML": case_xml}
    ).encode()


def _counting_form_parser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the thread of every full form parse the app makes."""
    from servicehub_sdk.spicecsm import _webcall as webcall

    threads: list[str] = []
    real = webcall.parse_qs

    def parse_qs(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(webcall, "parse_qs", parse_qs)
    return threads


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    "credentials", [("spice", "wrong"), ("nobody", SECRET), ("", ""), ("spice", SECRET + "x")]
)
def test_large_bodies_with_wrong_credentials_are_refused_unparsed(
    mode: str, credentials: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _counting_form_parser(monkeypatch)
    updates: list[Any] = []
    app = WebCallApp(int_user="spice", int_pass=SECRET, on_case_update=updates.append)
    body = _big_case_update(*credentials)
    if mode == "sync":
        status, _, _ = app.handle("POST", "/case/update", FORM, body)
    else:
        status, _, _ = asyncio.run(app.handle_async("POST", "/case/update", FORM, body))
    assert status == 403
    assert parsed == []  # the form was never decoded, let alone its XML
    assert updates == []


def test_percent_encoded_credentials_are_read_as_the_form_parser_reads_them() -> None:
    app = WebCallApp(int_user="spice user", int_pass="p&ss=é", on_load=lambda key: None)
    body = b"int%55ser=spice+user&intPass=p%26ss%3D%C3%A9&intPass=ignored&Userkey=a"
    assert app.handle("POST", "/account/load", FORM, body)[0] == 200
    assert app.handle("POST", "/account/load", FORM, b"intPass=p%26ss%3D%C3%A9")[0] == 403


def test_async_apps_parse_large_bodies_off_the_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed = _counting_form_parser(monkeypatch)
    updates: list[CaseUpdate] = []

    async def case_update(update: CaseUpdate) -> None:
        updates.append(update)

    app = WebCallApp(
        int_user="spice", int_pass=SECRET, on_case_update=case_update, max_body_bytes=2**20
    )
    loop_thread = threading.current_thread().name
    status, _, _ = asyncio.run(
        app.handle_async("POST", "/case/update", FORM, _big_case_update("spice", SECRET))
    )
    assert status == 200 and len(updates) == 1
    assert parsed and loop_thread not in parsed
