"""`CECenterContext`: what every CECenter Mashup resource reaches its client's state through."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from ..core._context import ClientContext
from ._links import ForeignLinks

__all__ = ["CECenterContext"]


@dataclass(frozen=True, kw_only=True)
class CECenterContext(ClientContext):
    """The state of one `CECenterClient` (`with_customer` derives one for another customer).

    Attributes:
        customer_auth: the customer's token strategy for customer-scoped calls (service
            tickets), `None` when the client acts for no customer.
        customer_url: the YaaS customer service (`…/hybris/customer/v1/{tenant}`).
        foreign_links: what to do with a `Link: rel="next"` to another origin.
    """

    customer_auth: httpx.Auth | None
    customer_url: str
    foreign_links: ForeignLinks
