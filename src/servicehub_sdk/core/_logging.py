"""`SERVICEHUB_LOG`: turn on the SDK's log lines without writing logging code.

The SDK logs to the `servicehub_sdk` logger (and its children `servicehub_sdk.ssh`, …) and
never configures logging by itself: an application's own configuration wins. For a quick look,
`SERVICEHUB_LOG=debug` (or `info`, `warning`) makes the first client built in the process
attach one stderr handler at that level to the `servicehub_sdk` logger. Every line is redacted
as usual.
"""

from __future__ import annotations

import logging
import os
import threading

from ._errors import ConfigurationError

__all__ = ["LOG_VARIABLE", "configure_from_env"]

LOG_VARIABLE = "SERVICEHUB_LOG"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_lock = threading.Lock()
_configured: str | None = None


_HANDLER_NAME = "servicehub_sdk:SERVICEHUB_LOG"


def configure_from_env() -> None:
    """Apply `SERVICEHUB_LOG` once per value: attach a stderr handler at that level.

    Raises `ConfigurationError` for a value that is not `debug`, `info` or `warning`.
    Unset or empty, nothing happens, and a handler attached earlier stays.
    """
    global _configured
    value = os.environ.get(LOG_VARIABLE, "").strip().lower()
    if not value or value == _configured:
        return
    level = _LEVELS.get(value)
    if level is None:
        raise ConfigurationError(
            f"{LOG_VARIABLE}={value!r}: use one of {', '.join(_LEVELS)} (or leave it unset)"
        )
    with _lock:
        logger = logging.getLogger("servicehub_sdk")
        handler = next((h for h in logger.handlers if h.get_name() == _HANDLER_NAME), None)
        if handler is None:
            handler = logging.StreamHandler()
            handler.set_name(_HANDLER_NAME)
            handler.setFormatter(logging.Formatter(_FORMAT))
            logger.addHandler(handler)
        handler.setLevel(level)
        logger.setLevel(level)
        _configured = value
