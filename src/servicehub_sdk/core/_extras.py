"""Optional dependencies: a missing one is named, with the command that installs it."""

from __future__ import annotations

from importlib.util import find_spec

from ._errors import ServiceHubError

__all__ = ["MissingExtraError", "require_extra"]


class MissingExtraError(ServiceHubError, ModuleNotFoundError):
    """A feature needs an optional extra of servicehub-sdk that is not installed.

    Both a `ServiceHubError` and a `ModuleNotFoundError` (so `except ImportError` keeps
    working). The message names the extra and the `pip install` command; `extra` and
    `missing` say the same for code.
    """

    def __init__(self, feature: str, extra: str, missing: list[str]) -> None:
        self.feature = feature
        self.extra = extra
        self.missing = missing
        message = (
            f"{feature} needs the '{extra}' extra ({', '.join(missing)} not installed): "
            f"pip install 'servicehub-sdk[{extra}]'"
        )
        ModuleNotFoundError.__init__(self, message, name=missing[0])
        self.message = message
        self.request = None

    def __reduce__(self) -> tuple[type[MissingExtraError], tuple[str, str, list[str]]]:
        return type(self), (self.feature, self.extra, self.missing)


def require_extra(extra: str, *modules: str, feature: str) -> None:
    """Raise `MissingExtraError` unless every module of `modules` can be imported.

    Looks the modules up without importing them, so checking costs no import time.
    """
    missing = [name for name in modules if find_spec(name) is None]
    if missing:
        raise MissingExtraError(feature, extra, missing)
