"""`fsm.secure_hash`: the account/company secure hash (methods 1.3 and 1.4)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Unpack

from ..core._client import (
    ClientBase,
    M,
    Resource,
    operation,
)
from ..core._errors import NotFoundError
from ..core._request import Call, CallOptions
from ._context import ContextResolver, FSMContext
from ._models import SecureHash
from ._wire import first_result, service_call

__all__ = ["SecureHashCache", "SecureHashes"]


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

    def header(
        self, context: FSMContext, *, refresh: bool = False
    ) -> Generator[Call[Any], Any, dict[str, str]]:
        """`{"X-Secure-Hash": …}`: the cached hash, else the existing one, else a new one."""
        if self.value is None or refresh:
            try:
                self.value = yield get_call(context)
            except NotFoundError:
                self.value = yield create_call(context)
        assert self.value is not None
        return {"X-Secure-Hash": self.value.secure_hash.get_secret_value()}


class SecureHashes(Resource[M]):
    """The secure hash (methods 1.3 and 1.4), required to create and update crowd partners."""

    def __init__(
        self, client: ClientBase[M], resolver: ContextResolver, cache: SecureHashCache
    ) -> None:
        super().__init__(client)
        self._resolver = resolver
        self._cache = cache

    @operation
    def create(self, **options: Unpack[CallOptions]) -> Generator[Call[Any], Any, SecureHash]:
        """Create the account/company secure hash (`POST partners/secure-hash`, 201).

        The client keeps it for `partners.create`, `update` and `replace`.
        """
        context = yield from self._resolver.resolve()
        created: SecureHash = yield create_call(context)
        self._cache.value = created
        return created

    @operation
    def get(self, **options: Unpack[CallOptions]) -> Generator[Call[Any], Any, SecureHash]:
        """The secure hash created before (`GET partners/secure-hash`); the client keeps it.

        Raises:
            NotFoundError: none was created yet.
        """
        context = yield from self._resolver.resolve()
        found: SecureHash = yield get_call(context)
        self._cache.value = found
        return found
