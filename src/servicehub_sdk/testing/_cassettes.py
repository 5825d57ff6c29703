"""vcrpy configuration that keeps secrets out of cassettes, and a scanner that proves it.

```python
from servicehub_sdk.testing import scrubbing_vcr

vcr = scrubbing_vcr("tests/cassettes")
with vcr.use_cassette("ssh_customers.yaml"):
    ...
```

Recorded requests lose every auth header, their form and JSON secret fields; recorded
responses lose tokens and sessions. Replays match on method, path, query and body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = ["PLACEHOLDER", "SCRUBBED_HEADERS", "find_secrets", "scrub_body", "scrubbing_vcr"]

PLACEHOLDER = "REDACTED"

SCRUBBED_HEADERS = (
    "authorization",
    "api-key",
    "authtoken",
    "technician_key",
    "x-secure-hash",
    "cookie",
    "set-cookie",
    "proxy-authorization",
)

_SECRET_KEY = re.compile(
    r"^(access_?token|accesstoken|refresh_token|id_token|client_secret|password|pass|intpass|"
    r"session|secure_?hash|hash|api_?key|token)$",
    re.IGNORECASE,
)


def _scrub_json(data: Any) -> Any:
    if (
        isinstance(data, dict)
        and isinstance(data.get("method"), str)
        and isinstance(data.get("params"), list)
    ):
        # JSON-RPC: `connect(user, password)`, and the session id as every call's last parameter.
        params = list(data["params"])
        if data["method"] == "connect":
            params = params[:1] + [PLACEHOLDER] * (len(params) - 1)
        elif params:
            params[-1] = PLACEHOLDER
        data = {**data, "params": [_scrub_json(p) for p in params]}
    if isinstance(data, dict):
        return {
            k: (
                PLACEHOLDER if _SECRET_KEY.match(str(k)) and v not in (None, "") else _scrub_json(v)
            )
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_scrub_json(v) for v in data]
    return data


def scrub_body(body: bytes | str | None, content_type: str = "") -> bytes | str | None:
    """A request or response body with secret JSON fields and form fields replaced.

    JSON held in a form field (`input_data`, `request`) is scrubbed too.
    """
    if not body:
        return body
    as_bytes = isinstance(body, bytes)
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    cleaned = _scrub_json_text(text)
    if cleaned is None and "=" in text and "json" not in content_type:
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs:
            cleaned = urlencode([(k, _scrub_form_value(k, v)) for k, v in pairs])
    if cleaned is None:
        cleaned = text
    return cleaned.encode("utf-8") if as_bytes else cleaned


def _scrub_json_text(text: str) -> str | None:
    if text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        return json.dumps(_scrub_json(json.loads(text)), separators=(",", ":"), sort_keys=True)
    except ValueError:
        return None


def _scrub_form_value(name: str, value: str) -> str:
    if _SECRET_KEY.match(name):
        return PLACEHOLDER
    scrubbed = _scrub_json_text(value)
    return value if scrubbed is None else scrubbed


def _scrubbed_body_matcher(r1: Any, r2: Any) -> None:
    if scrub_body(r1.body or b"") != scrub_body(r2.body or b""):
        raise AssertionError(f"bodies differ: {r1.body!r} != {r2.body!r}")


def _before_record_request(request: Any) -> Any:
    content_type = ""
    for name, value in list(request.headers.items()):
        if name.lower() == "content-type":
            content_type = value
        if name.lower() == "authorization":
            # Keep the scheme (`Bearer`, `Basic`) so replays can check it; drop the secret.
            scheme = str(value).split(" ", 1)[0] if " " in str(value) else ""
            request.headers[name] = f"{scheme} {PLACEHOLDER}".strip()
    request.body = scrub_body(request.body, content_type)
    return request


def _before_record_response(response: Any) -> Any:
    body = response.get("body", {})
    if isinstance(body, dict) and "string" in body:
        body["string"] = scrub_body(body["string"])
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SCRUBBED_HEADERS:
            headers[name] = [PLACEHOLDER]
    return response


def scrubbing_vcr(cassette_dir: str | Path, **overrides: Any) -> Any:
    """A `vcr.VCR` that scrubs secrets and replays strictly (`record_mode="none"`).

    Matching is on method, scheme, host, port, path, query and body; bodies are compared
    after scrubbing both sides, so a replay with real credentials still matches.
    """
    import vcr

    options: dict[str, Any] = {
        "cassette_library_dir": str(cassette_dir),
        "record_mode": "none",
        "match_on": ["method", "scheme", "host", "port", "path", "query", "scrubbed_body"],
        "filter_headers": [(h, PLACEHOLDER) for h in SCRUBBED_HEADERS if h != "authorization"],
        "before_record_request": _before_record_request,
        "before_record_response": _before_record_response,
        "decode_compressed_response": True,
    }
    options.update(overrides)
    recorder = vcr.VCR(**options)
    recorder.register_matcher("scrubbed_body", _scrubbed_body_matcher)
    return recorder


def find_secrets(paths: Iterable[str | Path], secrets: Iterable[str]) -> list[tuple[Path, str]]:
    """Every (file, secret) pair where a known secret value occurs in a file's text."""
    needles = [s for s in secrets if s]
    hits: list[tuple[Path, str]] = []
    for path in map(Path, paths):
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            text = file.read_text("utf-8", "replace")
            hits.extend((file, needle) for needle in needles if needle in text)
    return hits
