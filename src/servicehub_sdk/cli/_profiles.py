"""Client configuration for the command line: `SERVICEHUB_<BACKEND>_*` variables and an
optional TOML profile file (`~/.config/servicehub/config.toml`, or `SERVICEHUB_CONFIG`).

```toml
[default.ssh]
api_key = "…"
client_id = "…"
client_secret = "…"

[default.supportcenter]
base_url = "https://supportcenter.example.com:8080"
api_key = "…"
```

Profile values come first; the environment fills what they leave out. Every mistake in the
file is reported in one line naming the file, the section and the key. A file that other users
may read or change (its mode allows group or others, e.g. 0644) is read, with a one-line
`ConfigurationWarning`: it holds secrets, so `chmod 600` it.
"""

from __future__ import annotations

import difflib
import inspect
import os
import stat
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .._backends import backends
from ..core._base_url import base_url_from
from ..core._environment import ConfigurationWarning
from ..core._errors import ConfigurationError
from ..core._redaction import redact_mapping

__all__ = ["Profile", "client_for", "env_prefix", "load_profile"]

_NOT_CONFIGURABLE = frozenset({"self", "http_client", "auth"})
_NUMBERS = {"timeout": (int, float), "max_retries": (int,)}


def env_prefix(backend: str) -> str:
    """`SERVICEHUB_<BACKEND>_`: the prefix of a backend's environment variables."""
    return backends[backend].env_prefix


@dataclass
class Profile:
    """The settings of one profile of a config file, per backend."""

    name: str = "default"
    path: Path | None = None
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __repr__(self) -> str:
        """The profile with every secret-looking setting's value shown as `REDACTED`."""
        return (
            f"Profile(name={self.name!r}, path={self.path!r}, "
            f"sections={redact_mapping(self.sections)!r})"
        )

    def where(self, backend: str, key: str | None = None) -> str:
        """`file [profile.backend] key`, for messages."""
        place = f"{self.path} [{self.name}.{backend}]"
        return f"{place} {key}" if key else place


def default_path() -> Path:
    return Path(
        os.environ.get("SERVICEHUB_CONFIG")
        or Path.home() / ".config" / "servicehub" / "config.toml"
    )


def load_profile(name: str = "default", path: str | Path | None = None) -> Profile:
    """Profile `name` of the config file (empty when there is no file)."""
    file = Path(path) if path else default_path()
    if not file.exists():
        if path:
            raise ConfigurationError(f"no config file at {file}")
        return Profile(name)
    _warn_if_shared(file)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{file}: not valid TOML: {exc}") from None
    profile = data.get(name)
    if profile is None:
        if name != "default":
            known = ", ".join(f"[{k}]" for k in data) or "none"
            raise ConfigurationError(f"{file} has no profile [{name}] (it has: {known})")
        return Profile(name, file)
    if not isinstance(profile, dict):
        raise ConfigurationError(f"{file} [{name}] must be a table of backends")
    sections: dict[str, dict[str, Any]] = {}
    for backend, values in profile.items():
        if backend not in backends:
            raise ConfigurationError(
                f"{file} [{name}.{backend}]: unknown backend{_suggest(backend, backends)}; "
                f"the backends are {', '.join(backends)}"
            )
        if not isinstance(values, dict):
            raise ConfigurationError(f"{file} [{name}] {backend}: must be a table of settings")
        sections[backend] = dict(values)
    return Profile(name, file, sections)


def _warn_if_shared(file: Path) -> None:
    """Warn when a group or other users may read or write the config file (it holds secrets)."""
    if os.name != "posix":
        return
    mode = stat.S_IMODE(file.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.warn(
            f"{file} holds secrets but is readable or writable by other users "
            f"(mode {mode:04o}); run: chmod 600 {file}",
            ConfigurationWarning,
            stacklevel=3,
        )


def client_for(backend: str, profile: Profile) -> Any:
    """A sync client of `backend` from the profile and the environment."""
    if backend not in backends:
        raise ConfigurationError(
            f"unknown backend {backend!r}{_suggest(backend, backends)}; "
            f"use one of {', '.join(backends)}"
        )
    cls = backends[backend].client_class()
    settings = profile.sections.get(backend, {})
    _check(cls, backend, settings, profile)
    try:
        if "base_url" in settings:
            with base_url_from(f"profile {profile.where(backend, 'base_url')}"):
                return cls.from_env(**settings)
        return cls.from_env(**settings)
    except (TypeError, ValueError, ValidationError) as exc:
        where = profile.where(backend) if settings else f"{env_prefix(backend)}* variables"
        raise ConfigurationError(f"{where}: {_first_line(exc)}") from None


def _check(cls: type[Any], backend: str, settings: dict[str, Any], profile: Profile) -> None:
    """Refuse unknown keys and values of the wrong kind, naming file, section and key."""
    accepted = [p for p in inspect.signature(cls.__init__).parameters if p not in _NOT_CONFIGURABLE]
    for key, value in settings.items():
        if key not in accepted:
            raise ConfigurationError(
                f"{profile.where(backend, key)}: unknown key{_suggest(key, accepted)}; "
                f"the keys are {', '.join(accepted)}"
            )
        kinds = _NUMBERS.get(key)
        if kinds and (isinstance(value, bool) or not isinstance(value, kinds)):
            wanted = "a whole number" if kinds == (int,) else "a number of seconds"
            raise ConfigurationError(
                f"{profile.where(backend, key)}: expected {wanted}, got {value!r}"
            )


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
