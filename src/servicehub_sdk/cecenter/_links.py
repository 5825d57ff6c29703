"""Where the next page of a listing is fetched, and with which credentials.

YaaS answers a listing with `Link: <url>; rel="next"`; `next_link` reads it in one pass over
the header (a header longer than `MAX_LINK_HEADER` is refused, never searched). The link is the server's word, so the
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

__all__ = ["MAX_LINK_HEADER", "ForeignLinks", "next_link", "next_page_target"]

ForeignLinks = Literal["refuse", "follow_without_credentials"]

MAX_LINK_HEADER = 8 * 1024
"""The longest `Link` header read: a real one names a few URLs (well under 1 KB)."""


def next_link(header: str | None) -> str | None:
    """The `rel="next"` URL of a `Link` header (single, double or no quotes), read in time
    linear in the header's length.

    Raises:
        ValueError: the header is longer than `MAX_LINK_HEADER` characters (the listing then
            fails with `ResponseValidationError`).
    """
    if not header:
        return None
    if len(header) > MAX_LINK_HEADER:
        raise ValueError(
            f"the Link header is {len(header)} characters long, more than the "
            f"{MAX_LINK_HEADER} read"
        )
    position = 0
    while (start := header.find("<", position)) >= 0:
        end = header.find(">", start + 1)
        if end < 0:
            return None
        following = header.find("<", end + 1)
        params = header[end + 1 : following if following >= 0 else len(header)]
        url = header[start + 1 : end]
        if url and _is_next(params):
            return url
        position = end + 1
    return None


def _is_next(params: str) -> bool:
    """Whether a link's parameters (`; rel="next", `) include `rel=next`."""
    for param in params.split(";"):
        name, _, value = param.strip().rstrip(",").partition("=")
        if name.strip().lower() == "rel":
            rels = value.strip().strip("\"'").lower().split()
            if "next" in rels:
                return True
    return False


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
