"""vcrpy configuration that keeps secrets out of cassettes, and a scanner that proves it.

```python
from servicehub_sdk.testing import scrubbing_vcr

vcr = scrubbing_vcr("tests/cassettes")
with vcr.use_cassette("ssh_customers.yaml"):
    ...
```

Recorded requests lose every auth header, their form and JSON secret fields and their secret
query parameters; recorded responses lose tokens and sessions. Beyond these fixed names, every
cassette is cleaned with what the SDK's clients alive in the process know of their own secrets
(a custom `auth_header=`, `key_in="query"`'s parameter, session ids, the key and token values
themselves, wherever they appear), plus any `secrets=` given. Replays match on method, path,
query and body.

Cassettes written before (or by another tool) are cleaned with `scrub_cassettes(paths,
secrets=...)`; a key that was ever written to one should be rotated all the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from ..core._redaction import is_secret_name, live_scrubbers, scrub_text

__all__ = [
    "PLACEHOLDER",
    "SCRUBBED_HEADERS",
    "find_secrets",
    "scrub_body",
    "scrub_cassettes",
    "scrubbing_vcr",
]

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


class _Secrets:
    """What a cassette must not hold: the fixed names above, every live SDK client's own
    header names, query parameters and secret values, and values given by the caller."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        scrubbers = live_scrubbers()
        self.headers = set(SCRUBBED_HEADERS)
        self.params: set[str] = set()
        for scrubber in scrubbers:
            self.headers |= scrubber.header_names
            self.params |= scrubber.param_names
        forms: set[str] = set()
        for value in values:
            if value and len(value) >= 4:
                forms |= {value, quote(value, safe=""), quote_plus(value, safe="")}
        ordered = sorted(forms, key=len, reverse=True)
        self._given = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def text(self, text: str) -> str:
        cleaned = scrub_text(text)
        return self._given.sub(PLACEHOLDER, cleaned) if self._given is not None else cleaned

    def body(self, body: Any, content_type: str = "") -> Any:
        cleaned = scrub_body(body, content_type)
        if isinstance(cleaned, bytes):
            text = cleaned.decode("utf-8", "replace")
            scrubbed = self.text(text)
            return cleaned if scrubbed == text else scrubbed.encode("utf-8")
        return self.text(cleaned) if isinstance(cleaned, str) else cleaned

    def uri(self, uri: str) -> str:
        parts = urlsplit(uri)
        if parts.query:
            pairs = parse_qsl(parts.query, keep_blank_values=True)
            query = urlencode(
                [
                    (k, PLACEHOLDER if k.lower() in self.params or is_secret_name(k) else v)
                    for k, v in pairs
                ]
            )
            parts = parts._replace(query=query)
        return self.text(urlunsplit(parts))

    def header(self, name: str, value: str) -> str:
        lowered = name.lower()
        if lowered == "authorization":
            # Keep the scheme (`Bearer`, `Basic`) so replays can check it; drop the secret.
            scheme = str(value).split(" ", 1)[0] if " " in str(value) else ""
            return f"{scheme} {PLACEHOLDER}".strip()
        if lowered in self.headers:
            return PLACEHOLDER
        return self.text(str(value))


def _record_request(request: Any, secrets: _Secrets) -> Any:
    content_type = ""
    for name, value in list(request.headers.items()):
        if name.lower() == "content-type":
            content_type = value
        request.headers[name] = secrets.header(name, value)
    request.uri = secrets.uri(request.uri)
    request.body = secrets.body(request.body, content_type)
    return request


def _record_response(response: Any, secrets: _Secrets) -> Any:
    body = response.get("body", {})
    if isinstance(body, dict) and "string" in body:
        body["string"] = secrets.body(body["string"])
    headers = response.get("headers", {})
    for name in list(headers):
        values = headers[name] if isinstance(headers[name], list) else [headers[name]]
        headers[name] = [secrets.header(name, str(v)) for v in values]
    return response


def scrubbing_vcr(
    cassette_dir: str | Path, *, secrets: Iterable[str] = (), **overrides: Any
) -> Any:
    """A `vcr.VCR` that scrubs secrets and replays strictly (`record_mode="none"`).

    Besides the fixed names, each recorded interaction is cleaned with the secrets of every
    SDK client alive when it is recorded (their auth header names, query parameters,
    session ids and key/token values) and with the literal `secrets` given. Matching is on
    method, scheme, host, port, path, query and body; bodies are compared after scrubbing
    both sides, so a replay with real credentials still matches.
    """
    import vcr

    given = list(secrets)
    options: dict[str, Any] = {
        "cassette_library_dir": str(cassette_dir),
        "record_mode": "none",
        "match_on": ["method", "scheme", "host", "port", "path", "query", "scrubbed_body"],
        "filter_headers": [(h, PLACEHOLDER) for h in SCRUBBED_HEADERS if h != "authorization"],
        "before_record_request": lambda request: _record_request(request, _Secrets(given)),
        "before_record_response": lambda response: _record_response(response, _Secrets(given)),
        "decode_compressed_response": True,
    }
    options.update(overrides)
    recorder = vcr.VCR(**options)
    recorder.register_matcher("scrubbed_body", _scrubbed_body_matcher)
    return recorder


def scrub_cassettes(paths: Iterable[str | Path], *, secrets: Iterable[str] = ()) -> list[Path]:
    """Clean vcrpy cassettes already written: every YAML file given, or under a folder given,
    is rewritten as `scrubbing_vcr` would have recorded it (fixed names, the secrets of the
    SDK clients alive now, and the literal `secrets`). Returns the files that changed.

    A secret found in a cassette was exposed (to version control, to CI logs): rotate it.

    ```python
    from servicehub_sdk.testing import scrub_cassettes

    scrub_cassettes(["tests/cassettes"], secrets=[os.environ["SCP_KEY"]])
    ```
    """
    import yaml

    cleaner = _Secrets(list(secrets))
    changed: list[Path] = []
    for file in _files(paths, (".yaml", ".yml")):
        text = file.read_text("utf-8")
        data = yaml.safe_load(text)
        if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
            continue
        for interaction in data["interactions"]:
            _scrub_interaction(interaction, cleaner)
        if data != yaml.safe_load(text):
            file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
            changed.append(file)
    return changed


def _scrub_interaction(interaction: Any, cleaner: _Secrets) -> None:
    request = interaction.get("request") if isinstance(interaction, dict) else None
    if isinstance(request, dict):
        headers = request.get("headers") or {}
        content_type = ""
        for name in list(headers):
            values = headers[name] if isinstance(headers[name], list) else [headers[name]]
            if name.lower() == "content-type" and values:
                content_type = str(values[0])
            headers[name] = [cleaner.header(name, str(v)) for v in values]
        if isinstance(request.get("uri"), str):
            request["uri"] = cleaner.uri(request["uri"])
        if request.get("body"):
            request["body"] = cleaner.body(request["body"], content_type)
    response = interaction.get("response") if isinstance(interaction, dict) else None
    if isinstance(response, dict):
        _record_response(response, cleaner)


def _files(paths: Iterable[str | Path], suffixes: tuple[str, ...] | None = None) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        found = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        files += [f for f in found if suffixes is None or f.suffix in suffixes]
    return files


def find_secrets(paths: Iterable[str | Path], secrets: Iterable[str]) -> list[tuple[Path, str]]:
    """Every (file, secret) pair where a known secret value occurs in a file's text."""
    needles = [s for s in secrets if s]
    hits: list[tuple[Path, str]] = []
    for file in _files(paths):
        text = file.read_text("utf-8", "replace")
        hits.extend((file, needle) for needle in needles if needle in text)
    return hits
