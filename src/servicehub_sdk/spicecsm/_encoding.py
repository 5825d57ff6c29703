"""SpiceCSM's attribute encoding: every byte outside A-Z, a-z, 0-9 as `%XX` (UTF-8).

`John Doe` → `John%20Doe`, `johnd@xyz.net` → `johnd%40xyz%2Enet`, as the document shows.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

__all__ = ["percent_decode", "percent_encode"]

_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_TABLE = [chr(b) if b in _SAFE else f"%{b:02X}" for b in range(256)]
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def percent_encode(text: str) -> str:
    """`text` with every byte of its UTF-8 form outside A-Z a-z 0-9 written as `%XX`."""
    return "".join(_TABLE[b] for b in text.encode("utf-8"))


def percent_decode(value: str) -> str:
    """The text of a percent-encoded value.

    Raises:
        ValueError: a `%` not followed by two hex digits, or bytes that are not UTF-8.
    """
    if _BAD_ESCAPE.search(value):
        raise ValueError(f"malformed percent escape in {value[:40]!r}")
    return unquote_to_bytes(value).decode("utf-8")
