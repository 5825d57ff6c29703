"""Constructor arguments read from `SERVICEHUB_<BACKEND>_<PARAMETER>` variables, by type.

A variable is text; the parameter's annotation says what it becomes: a flag (`true`/`false`,
`1`/`0`, `yes`/`no`, `on`/`off`), a whole number, seconds, or a comma-separated list. A value
that does not fit is a `ConfigurationError` naming the variable, never a silent truthy string.
"""

from __future__ import annotations

from typing import Any

from ._errors import ConfigurationError

__all__ = ["env_value"]

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
