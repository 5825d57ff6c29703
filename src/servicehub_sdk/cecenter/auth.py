"""The customer login of YaaS: a customer access token obtained with the client token.

`POST {customer service}/login {"email", "password"}` with the client's bearer token answers
`{"accessToken": ...}`. The strategy logs in on first use (once, however many threads or tasks
need it), and logs in again once when the service answers 401.
"""

from __future__ import annotations

import asyncio
import json
import threading
import weakref
from collections.abc import AsyncGenerator, Generator

import httpx
from pydantic import SecretStr

from ..core import deadline
from ..core.auth import Token, secret
from ..core.errors import ResponseValidationError
from ..core.http import DEFAULT_TIMEOUT, status_error
from ..core.jsonbody import read_json
from ..core.redaction import REDACTED

__all__ = ["CustomerLoginAuth"]


class CustomerLoginAuth(httpx.Auth):
    """Bearer auth with a customer token from the YaaS customer login."""

    def __init__(
        self, login_url: str, email: str, password: str | SecretStr, client_auth: httpx.Auth
    ) -> None:
        self.login_url = login_url
        self.email = email
        self.password = secret(password)
        self.client_auth = client_auth
        self.token: Token | None = None
        self.logins = 0
        self._thread_lock = threading.Lock()
        self._loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def _login_request(self) -> httpx.Request:
        body = json.dumps({"email": self.email, "password": self.password.get_secret_value()})
        return httpx.Request(
            "POST",
            self.login_url,
            content=body.encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            extensions={"timeout": deadline.request_timeouts(DEFAULT_TIMEOUT)},
        )

    def _accept(self, response: httpx.Response) -> Token:
        if response.status_code >= 400:
            error = status_error(
                response, name=f"customer login of {self.email}", before_request=True
            )
            raise error
        body = read_json(
            response, name=f"customer login of {self.email}", expect=dict, before_request=True
        )
        try:
            token = Token(body)
        except ValueError:
            unreadable = ResponseValidationError(
                "customer login: no accessToken in the answer", response=response
            )
            unreadable.before_request = True
            unreadable.raw = ""  # the answer may hold a token, however malformed
            raise unreadable from None
        self.token = token
        self.logins += 1
        return token

    @staticmethod
    def _authorize(request: httpx.Request, token: Token) -> httpx.Request:
        request.headers["Authorization"] = f"Bearer {token.access_token.get_secret_value()}"
        return request

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        stale: Token | None = None
        while True:
            with self._thread_lock:
                token = self.token
                if token is None or token is stale:
                    flow = self.client_auth.sync_auth_flow(self._login_request())
                    login = next(flow)
                    while True:
                        answer = yield login
                        try:
                            login = flow.send(answer)
                        except StopIteration:
                            break
                    answer.read()
                    token = self._accept(answer)
            response = yield self._authorize(request, token)
            if response.status_code != 401 or stale is not None:
                return
            stale = token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        stale: Token | None = None
        while True:
            async with self._loop_lock():
                token = self.token
                if token is None or token is stale:
                    flow = self.client_auth.async_auth_flow(self._login_request())
                    login = await flow.__anext__()
                    while True:
                        answer = yield login
                        try:
                            login = await flow.asend(answer)
                        except StopAsyncIteration:
                            break
                    await answer.aread()
                    token = self._accept(answer)
            response = yield self._authorize(request, token)
            if response.status_code != 401 or stale is not None:
                return
            stale = token

    def _loop_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        with self._thread_lock:
            return self._loop_locks.setdefault(loop, asyncio.Lock())

    def __repr__(self) -> str:
        return f"CustomerLoginAuth(email={self.email!r}, password={REDACTED})"
