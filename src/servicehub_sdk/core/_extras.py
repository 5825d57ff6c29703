"""Optional dependencies: a missing one is named, with the command that installs it."""

from __future__ import annotations

from importlib.util import find_spec

__all__ = ["MissingExtraError", "require_extra"]


class MissingExtraError(ModuleNotFoundError):
    """A feature needs an optional extra of servicehub-sdk that is not installed.

    The message names the extra and the `pip install` command; `extra` and `missing` say the
    same for code.
    """

    def __init__(self, feature: str, extra: str, missing: list[str]) -> None:
        self.feature = feature
        self.extra = extra
        self.missing = missing
        super().__init__(
            f"{feature} needs the '{extra}' extra ({', '.join(missing)} not installed): "
            f"pip install 'servicehub-sdk[{extra}]'",
            name=missing[0],
        )

    def __reduce__(self) -> tuple[type[MissingExtraError], tuple[str, str, list[str]]]:
        return type(self), (self.feature, self.extra, self.missing)


def require_extra(extra: str, *modules: str, feature: str) -> None:
    """Raise `MissingExtraError` unless every module of `modules` can be imported.

    Looks the modules up without importing them, so checking costs no import time.
    """
    missing = [name for name in modules if find_spec(name) is None]
    if missing:
        raise MissingExtraError(feature, extra, missing)
