"""Where the next page of a listing is fetched, and with which credentials.

YaaS answers a listing with `Link: <url>; rel="next"`. The link is the server's word, so the
client and customer tokens go with it only when it is on the origin (scheme, host, port) the
client was configured for. Elsewhere, by default, the listing stops with an error when that
page is asked for; with `foreign_links="follow_without_credentials"` it is fetched without
any credentials.
"""

from __future__ import annotations

from typing import Any, Literal

import httpx

from ..core._boundary import RefuseToSend, origin, same_origin
from ..core._errors import ResponseValidationError

__all__ = ["ForeignLinks", "next_page_target"]

ForeignLinks = Literal["refuse", "follow_without_credentials"]


def next_page_target(
    response: httpx.Response, link: str, *, base_url: httpx.URL, auth: Any, foreign: ForeignLinks
) -> tuple[str, Any]:
    """The absolute URL of the next page (relative links resolved against the page that
    named it) and the `auth` to fetch it with."""
    target = response.request.url.join(link)
    if same_origin(target, base_url):
        return str(target), auth
    if foreign == "follow_without_credentials":
        return str(target), None
    scheme, host, port = origin(target)
    error = ResponseValidationError(
        f"the next page is on another origin ({scheme}://{host}:{port}), not the configured "
        f"service; it was not fetched, so the credentials stay with "
        f"{'://'.join(origin(base_url)[:2])}. Create the client with "
        "foreign_links='follow_without_credentials' to fetch such pages without credentials",
        response=response,
    )
    error.may_have_been_applied = False
    return str(target), RefuseToSend(error)
