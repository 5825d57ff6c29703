"""`FSMClientContext`: what every SAP FSM resource reaches its client's state through."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ..core._context import ClientContext
from ..core._pagination import Page
from ..core._request import Flow, Step, start
from ._context import ContextResolver, FSMContext
from ._hashes import SecureHashCache

__all__ = ["FSMClientContext"]

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class FSMClientContext(ClientContext):
    """The state of one `FSMClient` (shared with its `with_options` copies).

    Attributes:
        resolver: works out the account, company and cluster (`FSMContext`) every request
            names, from configuration, the token answer and the Directory API.
        hashes: the secure hash writes carry.
    """

    resolver: ContextResolver
    hashes: SecureHashCache

    def resolve(self) -> Flow[FSMContext]:
        """`fsm = yield from context.resolve()`: the `FSMContext`, returned at once when known;
        otherwise the token request (and the directory lookup) are yielded first."""
        return self.resolver.resolve()

    def listing(self, build: Callable[[FSMContext], Step[Page[T]]]) -> Step[Page[T]]:
        """A listing described by `build(context)`: at once when the `FSMContext` is known,
        else as a first page that resolves it first."""
        known = self.resolver.context
        if known is not None:
            return build(known)

        def first() -> Flow[Page[T]]:
            context = yield from self.resolve()
            return (yield from start(build(context)))

        return first
