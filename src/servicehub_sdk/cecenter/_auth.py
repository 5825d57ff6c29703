"""The customer login of YaaS: a customer access token obtained with the client token.

`POST {customer service}/login {"email", "password"}` with the client's bearer token answers
`{"accessToken": ...}` (YaaS names it in camelCase and gives no lifetime). The strategy logs
in on first use, once however many threads or tasks need it (`CachedTokenAuth`), and again
once when the service answers 401.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import httpx
from pydantic import SecretStr

from ..core._auth import (
    CachedTokenAuth,
    Token,
    secret,
    unreadable_token,
)
from ..core._boundary import received_credential
from ..core._http import status_error
from ..core._jsonbody import read_json
from ..core._redaction import REDACTED

__all__ = ["CustomerLoginAuth", "read_customer_token"]


def read_customer_token(body: object) -> Token:
    """The customer token of a login answer, `{"accessToken": ...}`; `ValueError` if none.

    The answer has no lifetime: the token is used until the service refuses it (401).
    """
    fields = dict(body) if isinstance(body, Mapping) else {}
    access = fields.pop("accessToken", None)
    if not isinstance(access, str) or not access:
        raise ValueError("no accessToken in the answer")
    return Token(received_credential(access, what="the customer token"), fields=fields)


class CustomerLoginAuth(CachedTokenAuth):
    """Bearer auth with a customer token from the YaaS customer login.

    Attributes:
        logins: how many logins succeeded.
    """

    def __init__(
        self, login_url: str, email: str, password: str | SecretStr, client_auth: httpx.Auth
    ) -> None:
        super().__init__(name=f"customer login of {email}", request_auth=client_auth)
        self.login_url = login_url
        self.email = email
        self.password = secret(password)

    @property
    def logins(self) -> int:
        return self.tokens_fetched

    def token_request(self) -> httpx.Request:
        body = json.dumps({"email": self.email, "password": self.password.get_secret_value()})
        return httpx.Request(
            "POST",
            self.login_url,
            content=body.encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )

    def read_token(self, response: httpx.Response) -> Token:
        if response.status_code >= 400:
            raise status_error(response, name=self.flight.name, before_request=True)
        try:
            body = read_json(response, name=self.flight.name, expect=dict, before_request=True)
            return read_customer_token(body)
        except ValueError as exc:
            raise unreadable_token(f"{self.flight.name}: {exc}", response) from None

    def __repr__(self) -> str:
        return f"CustomerLoginAuth(email={self.email!r}, password={REDACTED})"
