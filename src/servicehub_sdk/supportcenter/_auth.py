"""The technician key sent in the query, as legacy installations read it."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from ..core._auth import HeaderAuth, secret
from ..core._errors import ConfigurationError
from ..core._redaction import REDACTED, Scrubber, is_secret_name

__all__ = ["KeyInQuery"]


class KeyInQuery(HeaderAuth):
    """Adds `?<name>=<key>` to every request: `KeyInQuery("TECHNICIAN_KEY", key)`.

    `name` must be one the SDK's redaction recognises as secret (`TECHNICIAN_KEY`,
    `authtoken`, `api_key` …), so the key prints as `REDACTED` in every URL the SDK logs or
    puts in an error.
    """

    def __init__(self, name: str, key: str | SecretStr) -> None:
        if not name or not is_secret_name(name):
            raise ConfigurationError(
                f"the key's query parameter {name!r} is not a name the SDK redacts; "
                "use TECHNICIAN_KEY or authtoken"
            )
        if not secret(key).get_secret_value():
            raise ConfigurationError(f"the API key for query parameter {name!r} is empty")
        self.name = name
        self.key = secret(key)

    def apply(self, request: httpx.Request) -> None:
        request.url = request.url.copy_set_param(self.name, self.key.get_secret_value())

    def register_secrets(self, scrubber: Scrubber) -> None:
        """Tell a client's scrubber the query parameter and the key."""
        scrubber.add(params=[self.name], values=[self.key])

    def __repr__(self) -> str:
        return f"KeyInQuery(name={self.name!r}, key={REDACTED})"
