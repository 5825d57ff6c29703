"""The cookie jar of the httpx clients the SDK creates for itself."""

from __future__ import annotations

import httpx

__all__ = ["read_cookies_when_set"]


class _Cookies(httpx.Cookies):
    """httpx's cookie jar, which reads an answer's cookies only when it sets some: httpx
    hands every answer to `http.cookiejar` through adapters that cost more than many a call's
    own work, even when there is no cookie to read."""

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


def read_cookies_when_set(client: httpx.Client | httpx.AsyncClient) -> None:
    """Give `client` (one the SDK made) the jar that skips answers setting no cookie; the
    cookies it holds are kept."""
    jar = getattr(client, "_cookies", None)  # the jar httpx made (a private name)
    if type(jar) is httpx.Cookies:
        client._cookies = _Cookies(jar)
