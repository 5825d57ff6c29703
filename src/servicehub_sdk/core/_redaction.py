"""What the SDK may print: an allowlist of headers and a scrub for secret-looking fields.

Everything that is not on the allowlist prints as `REDACTED`, so a new vendor header can never
leak a credential into a log line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

REDACTED = "REDACTED"

SAFE_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "connection",
        "content-encoding",
        "content-length",
        "content-type",
        "date",
        "host",
        "hybris-count",
        "link",
        "location",
        "retry-after",
        "server",
        "transfer-encoding",
        "user-agent",
        "x-client-id",
        "x-client-version",
        "x-request-id",
    }
)

_SECRET_NAME = re.compile(
    r"(pass(word)?|secret|token|api[-_]?key|apikey|authtoken|authorization|session|"
    r"credential|hash|signature|intpass|technician_key)",
    re.IGNORECASE,
)


def is_secret_name(name: str) -> bool:
    """Whether a field or parameter name looks like it holds a secret."""
    return bool(_SECRET_NAME.search(name))


def redact_headers(headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    """Headers as a dict, with every value not on the allowlist replaced by `REDACTED`."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: (v if k.lower() in SAFE_HEADERS else REDACTED) for k, v in items}


def redact_url(url: httpx.URL | str) -> str:
    """The URL with secret-looking query parameter values and any userinfo replaced."""
    url = httpx.URL(url)
    if url.userinfo:
        url = url.copy_with(username=REDACTED, password=None)
    if not url.query:
        return str(url)
    pairs = parse_qsl(url.query.decode("ascii", "replace"), keep_blank_values=True)
    cleaned = [(k, REDACTED if is_secret_name(k) else v) for k, v in pairs]
    return str(url.copy_with(query=urlencode(cleaned).encode("ascii")))


def redact_mapping(data: Any) -> Any:
    """A deep copy of JSON-like data with every secret-looking key's value replaced."""
    if isinstance(data, Mapping):
        return {
            k: (REDACTED if isinstance(k, str) and is_secret_name(k) else redact_mapping(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [redact_mapping(v) for v in data]
    return data
