"""Client configuration for the command line: `SERVICEHUB_<BACKEND>_*` variables and an
optional TOML profile file (`~/.config/servicehub/config.toml`, or `SERVICEHUB_CONFIG`).

```toml
[default.ssh]
api_key = "…"
client_id = "…"
client_secret = "…"

[default.scp]
base_url = "https://scp.example.com:8080"
api_key = "…"
```

Profile values come first; the environment fills what they leave out.
"""

from __future__ import annotations

import importlib
import os
import tomllib
from pathlib import Path
from typing import Any

from ..core.errors import ConfigurationError

__all__ = ["BACKENDS", "client_for", "load_profile"]

# command-line name -> (module, sync class)
BACKENDS: dict[str, tuple[str, str]] = {
    "ssh": ("servicehub_sdk.ssh", "SecureServiceHub"),
    "fsm": ("servicehub_sdk.fsm", "CrowdPartnerClient"),
    "scp": ("servicehub_sdk.supportcenter", "SupportCenterPlus"),
    "cecenter": ("servicehub_sdk.cecenter", "CECenterMashup"),
    "spicecsm": ("servicehub_sdk.spicecsm", "SpiceJsonRpcClient"),
}


def default_path() -> Path:
    return Path(
        os.environ.get("SERVICEHUB_CONFIG")
        or Path.home() / ".config" / "servicehub" / "config.toml"
    )


def load_profile(
    name: str = "default", path: str | Path | None = None
) -> dict[str, dict[str, Any]]:
    """The backends' settings of profile `name` (empty when there is no file)."""
    file = Path(path) if path else default_path()
    if not file.exists():
        if path:
            raise ConfigurationError(f"no profile file at {file}")
        return {}
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{file}: {exc}") from None
    profile = data.get(name)
    if profile is None:
        if name != "default":
            raise ConfigurationError(f"{file} has no profile [{name}]")
        return {}
    return {k: dict(v) for k, v in profile.items() if isinstance(v, dict)}


def client_for(backend: str, profile: dict[str, dict[str, Any]]) -> Any:
    """A sync client of `backend` from the profile and the environment."""
    if backend not in BACKENDS:
        raise ConfigurationError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    module, name = BACKENDS[backend]
    cls = getattr(importlib.import_module(module), name)
    return cls.from_env(**profile.get(backend, {}))
