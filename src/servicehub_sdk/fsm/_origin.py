"""Which cluster URLs the FSM client sends its token and secure hash to.

The token answer's `cluster_url` and the Directory API's `URL` are server answers: the client
follows them only to https URLs under SAP's FSM domains, or to hosts the user allowed
(`allowed_cluster_hosts=`; plain http only for loopback hosts, as for sandboxes).
"""

from __future__ import annotations

import ipaddress

import httpx

__all__ = ["FSM_DOMAINS", "trusted_cluster_url"]

FSM_DOMAINS = ("coresuite.com", "coresuite.net", "coresystems.net", "fsm.cloud.sap")
"""SAP FSM's domains: clusters are their subdomains (`eu.coresuite.com`, …)."""


def trusted_cluster_url(url: str, allowed_hosts: frozenset[str]) -> str:
    """The origin of `url` (`scheme://host[:port]`) when the client may send credentials there.

    Raises:
        ValueError: saying why not (scheme, host, or an unreadable URL).
    """
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise ValueError(f"{url!r} is not a URL") from None
    host = parsed.host.lower()
    if not host or parsed.userinfo:
        raise ValueError(f"{url!r} names no plain host")
    if host in allowed_hosts:
        if parsed.scheme == "https" or (parsed.scheme == "http" and _loopback(host)):
            return _origin(parsed)
        raise ValueError(f"({parsed.scheme}://{host}) must use https")
    if parsed.scheme != "https":
        raise ValueError(f"({parsed.scheme}://{host}) must use https")
    if not any(host.endswith("." + domain) for domain in FSM_DOMAINS):
        raise ValueError(
            f"({host}) is not under an SAP FSM domain ({', '.join(FSM_DOMAINS)}) nor in "
            "allowed_cluster_hosts"
        )
    return _origin(parsed)


def _origin(url: httpx.URL) -> str:
    port = f":{url.port}" if url.port is not None else ""
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host}{port}"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
