"""The secure hash writes carry in `X-Secure-Hash` (methods 1.3 and 1.4), kept per client."""

from __future__ import annotations

from ..core._errors import NotFoundError
from ..core._request import Call, Flow
from ._context import FSMContext
from ._models import SecureHash
from ._wire import first_result, service_call

__all__ = ["SecureHashCache", "create_call", "get_call"]


def get_call(context: FSMContext) -> Call[SecureHash]:
    return service_call(
        context,
        "GET",
        "partners/secure-hash",
        lambda r: SecureHash.model_validate(first_result(r)),
        name="FSM GET partners/secure-hash",
    )


def create_call(context: FSMContext) -> Call[SecureHash]:
    # Creating a hash twice is harmless (it gives the account/company hash), so it is retried.
    return service_call(
        context,
        "POST",
        "partners/secure-hash",
        lambda r: SecureHash.model_validate(first_result(r)),
        idempotent=True,
        name="FSM POST partners/secure-hash",
    )


class SecureHashCache:
    """The hash the client last saw, for the `X-Secure-Hash` header of writes."""

    def __init__(self) -> None:
        self.value: SecureHash | None = None

    def header(self, context: FSMContext, *, refresh: bool = False) -> Flow[dict[str, str]]:
        """`{"X-Secure-Hash": …}`: the cached hash, else the existing one, else a new one."""
        if self.value is None or refresh:
            try:
                self.value = yield get_call(context)
            except NotFoundError:
                self.value = yield create_call(context)
        assert self.value is not None
        return {"X-Secure-Hash": self.value.secure_hash.get_secret_value()}
