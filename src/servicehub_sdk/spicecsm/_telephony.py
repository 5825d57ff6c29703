"""The telephony screen-pop URL (`/spiceinstall/integrations/telephony/telephonypop.php`)."""

from __future__ import annotations

from urllib.parse import urlencode

from ..core._errors import RequestValidationError

__all__ = ["POP_PATH", "telephony_pop_url"]

POP_PATH = "/spiceinstall/integrations/telephony/telephonypop.php"


def telephony_pop_url(
    base_url: str,
    company: int,
    brand: int,
    callid: str | None = None,
    ani: str | None = None,
    caseid: str | int | None = None,
) -> str:
    """The URL a telephony system pushes to pop SpiceCSM with the caller's brand and, when
    given, the call ID, the caller ID (ANI) and a case ID entered via IVR.

    `company` and `brand` are the document's two required variables: positive integers, with
    no default (they are always 1 in the Community edition, and a default would pop the wrong
    brand on every other edition). Only the optional variables that are given are sent; values
    are URL-encoded.
    """
    if not base_url.startswith(("http://", "https://")):
        raise RequestValidationError("base_url must be an http(s) URL")
    for name, value in (("company", company), ("brand", brand)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RequestValidationError(f"{name} must be a positive integer, got {value!r}")
    params: list[tuple[str, str]] = [("company", str(company)), ("brand", str(brand))]
    for name, optional in (("callid", callid), ("ani", ani), ("caseid", caseid)):
        if optional is not None and str(optional) != "":
            params.append((name, str(optional)))
    return f"{base_url.rstrip('/')}{POP_PATH}?{urlencode(params)}"
