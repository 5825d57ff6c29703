"""Constructor arguments read from `SERVICEHUB_<BACKEND>_<PARAMETER>` variables, by type.

A variable is text; the parameter's annotation says what it becomes: a flag (`true`/`false`,
`1`/`0`, `yes`/`no`, `on`/`off`), a whole number, seconds, or a comma-separated list. A value
that does not fit is a `ConfigurationError` naming the variable, never a silent truthy string.

A set variable that no parameter reads (`SERVICEHUB_SSH_BASEURL`) is a mistake the user would
never see: `misspelt_variables` finds them, by the client's own prefix and parameters, and
`warn_misspelt` warns ("did you mean SERVICEHUB_SSH_BASE_URL?"), or raises when
`SERVICEHUB_STRICT_ENV=1`.
"""

from __future__ import annotations

import difflib
import sys
import warnings
from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from typing import Any

from ._errors import ConfigurationError

__all__ = [
    "GLOBAL_VARIABLES",
    "ConfigurationWarning",
    "describe_misspelt",
    "env_value",
    "misspelt_variables",
    "warn_misspelt",
]

GLOBAL_VARIABLES: Mapping[str, str] = {
    "SERVICEHUB_STRICT_ENV": "`1`: a misspelt `SERVICEHUB_<BACKEND>_*` variable is an error",
    "SERVICEHUB_CONFIG": "the command line's profile file",
    "SERVICEHUB_JOURNAL": "the link journal of `servicehub sync link-cases`",
}
"""The `SERVICEHUB_*` variables that belong to no backend (never reported as misspelt)."""

_ROOT = "SERVICEHUB_"
_BACKENDS_GROUP = "servicehub_sdk.backends"  # the registry's entry-point group


class ConfigurationWarning(UserWarning):
    """A setting that is probably a mistake, such as a misspelt environment variable."""


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _kinds(annotation: Any) -> set[str]:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return {part.strip() for part in str(text).split("|")}


def env_value(raw: str, variable: str, annotation: Any) -> Any:
    """`raw`, the text of `variable`, as the parameter annotated `annotation` takes it."""
    kinds = _kinds(annotation)
    if "str" in kinds or "SecretStr" in kinds:
        return raw
    if "bool" in kinds:
        if raw.strip().lower() in _TRUE:
            return True
        if raw.strip().lower() in _FALSE:
            return False
        raise ConfigurationError(f"{variable} must be true or false, got {raw!r}")
    try:
        if "int" in kinds:
            return int(raw)
        if "float" in kinds:
            return float(raw)
    except ValueError:
        raise ConfigurationError(f"{variable} must be a number, got {raw!r}") from None
    if "Iterable[str]" in kinds:
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def _strict(environ: Mapping[str, str]) -> bool:
    return environ.get("SERVICEHUB_STRICT_ENV", "").strip().lower() in _TRUE


def _other_backends() -> set[str]:
    """Upper-case names of every installed or registered backend, without importing any."""
    names = {point.name.upper() for point in entry_points(group=_BACKENDS_GROUP)}
    registry = sys.modules.get("servicehub_sdk._backends")
    specs = getattr(registry, "_specs", {})
    return names | {name.upper() for name in specs}


def misspelt_variables(
    prefix: str, parameters: Iterable[str], environ: Mapping[str, str]
) -> dict[str, str | None]:
    """The set variables meant for this client that no parameter reads, each with the variable
    it probably meant (`None` when nothing is close).

    Two mistakes are found: a misspelt parameter under the client's own prefix
    (`SERVICEHUB_SSH_BASEURL`) and a misspelt backend before a parameter of this client
    (`SERVICEHUB_SHH_BASE_URL`). Global variables and other backends' variables are left alone.
    """
    wanted = {f"{prefix}{name.upper()}": name.upper() for name in parameters}
    own = prefix.removeprefix(_ROOT).rstrip("_")
    found: dict[str, str | None] = {}
    others: set[str] | None = None
    for variable in sorted(environ):
        if variable in wanted or variable in GLOBAL_VARIABLES or not variable.startswith(_ROOT):
            continue
        if variable.startswith(prefix):
            setting = variable.removeprefix(prefix)
            close = difflib.get_close_matches(setting, list(wanted.values()), n=1, cutoff=0.7)
            found[variable] = f"{prefix}{close[0]}" if close else None
            continue
        backend, _, setting = variable.removeprefix(_ROOT).partition("_")
        if setting.upper() not in wanted.values():
            continue
        if not difflib.get_close_matches(backend, [own], n=1, cutoff=0.6):
            continue
        if others is None:
            others = _other_backends()
        if backend not in others:
            found[variable] = f"{prefix}{setting}"
    return found


def describe_misspelt(found: Mapping[str, str | None], owner: str) -> str:
    """`SERVICEHUB_SSH_BASEURL is set but SSHClient reads no such variable (did you mean
    SERVICEHUB_SSH_BASE_URL?)`, one clause per variable."""
    return "; ".join(
        f"{variable} is set but {owner} reads no such variable"
        + (f" (did you mean {meant}?)" if meant else "")
        for variable, meant in found.items()
    )


def warn_misspelt(found: Mapping[str, str | None], owner: str, environ: Mapping[str, str]) -> None:
    """Warn (`ConfigurationWarning`) about misspelt variables; raise `ConfigurationError`
    instead when `SERVICEHUB_STRICT_ENV=1`."""
    if not found:
        return
    message = describe_misspelt(found, f"{owner}.from_env()")
    if _strict(environ):
        raise ConfigurationError(f"{message} (SERVICEHUB_STRICT_ENV=1)")
    warnings.warn(message, ConfigurationWarning, stacklevel=3)
