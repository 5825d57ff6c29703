"""`fsm.secure_hash`: the account/company secure hash (methods 1.3 and 1.4)."""

from __future__ import annotations

from typing import Unpack

from ..core._client import M, Resource, operation
from ..core._request import CallOptions, Flow
from ._client_context import FSMClientContext
from ._hashes import create_call, get_call
from ._models import SecureHash

__all__ = ["SecureHashes"]


class SecureHashes(Resource[M, FSMClientContext]):
    """The secure hash (methods 1.3 and 1.4), required to create and update crowd partners."""

    @operation
    def create(self, **options: Unpack[CallOptions]) -> Flow[SecureHash]:
        """Create the account/company secure hash (`POST partners/secure-hash`, 201).

        The client keeps it for `partners.create`, `update` and `replace`.
        """
        context = yield from self._context.resolve()
        created: SecureHash = yield create_call(context)
        self._context.hashes.value = created
        return created

    @operation
    def get(self, **options: Unpack[CallOptions]) -> Flow[SecureHash]:
        """The secure hash created before (`GET partners/secure-hash`); the client keeps it.

        Raises:
            NotFoundError: none was created yet.
        """
        context = yield from self._context.resolve()
        found: SecureHash = yield get_call(context)
        self._context.hashes.value = found
        return found
