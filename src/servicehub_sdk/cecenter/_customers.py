"""`cec.customers`: the tutorial's customer signup and login (YaaS customer service)."""

from __future__ import annotations

import json
from typing import Unpack

from ..core._client import (
    M,
    Resource,
    operation,
)
from ..core._errors import RequestValidationError
from ..core._request import Call, CallOptions
from ._context import CECenterContext
from ._models import Customer, CustomerLogin
from ._wire import json_body

__all__ = ["Customers"]


class Customers(Resource[M, CECenterContext]):
    """The tutorial's customer signup and login (YaaS customer service), with the client token."""

    @operation
    def signup(self, email: str, password: str, **options: Unpack[CallOptions]) -> Call[Customer]:
        """Register a customer (`POST {customer service}/signup`, 201); returns its id."""
        if not email or not password:
            raise RequestValidationError("signup needs email and password")
        return Call(
            "POST",
            f"{self._context.customer_url}/signup",
            content=json.dumps({"email": email, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
            parse=lambda r: Customer.model_validate({"email": email, **(json_body(r) or {})}),
            name="customer signup",
        )

    @operation
    def login(
        self, email: str, password: str, **options: Unpack[CallOptions]
    ) -> Call[CustomerLogin]:
        """Log a customer in (`POST {customer service}/login`); returns its access token."""
        if not email or not password:
            raise RequestValidationError("login needs email and password")
        return Call(
            "POST",
            f"{self._context.customer_url}/login",
            content=json.dumps({"email": email, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
            idempotent=True,
            parse=lambda r: CustomerLogin.model_validate(json_body(r)),
            name="customer login",
        )
