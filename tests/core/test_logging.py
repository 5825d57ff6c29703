"""`SERVICEHUB_LOG` attaches one stderr handler to the SDK's logger when a client is built."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from servicehub_sdk import ConfigurationError
from servicehub_sdk.core import _logging
from servicehub_sdk.supportcenter import SupportCenterClient

NAME = "servicehub_sdk:SERVICEHUB_LOG"


@pytest.fixture(autouse=True)
def clean_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("servicehub_sdk")
    level, handlers = logger.level, list(logger.handlers)
    _logging._configured = None
    yield logger
    logger.handlers[:] = handlers
    logger.setLevel(level)
    _logging._configured = None


def attached(logger: logging.Logger) -> list[logging.Handler]:
    return [h for h in logger.handlers if h.get_name() == NAME]


def test_building_a_client_applies_the_level(
    monkeypatch: pytest.MonkeyPatch, clean_logger: logging.Logger
) -> None:
    monkeypatch.setenv("SERVICEHUB_LOG", "DEBUG")
    SupportCenterClient(base_url="https://127.0.0.1:1", api_key="k").close()
    SupportCenterClient(base_url="https://127.0.0.1:1", api_key="k").close()
    handlers = attached(clean_logger)
    assert len(handlers) == 1
    assert handlers[0].level == logging.DEBUG
    assert clean_logger.level == logging.DEBUG


def test_a_new_value_changes_the_one_handler(
    monkeypatch: pytest.MonkeyPatch, clean_logger: logging.Logger
) -> None:
    monkeypatch.setenv("SERVICEHUB_LOG", "info")
    _logging.configure_from_env()
    monkeypatch.setenv("SERVICEHUB_LOG", "warning")
    _logging.configure_from_env()
    handlers = attached(clean_logger)
    assert [h.level for h in handlers] == [logging.WARNING]


def test_unset_leaves_logging_alone(
    monkeypatch: pytest.MonkeyPatch, clean_logger: logging.Logger
) -> None:
    monkeypatch.delenv("SERVICEHUB_LOG", raising=False)
    before = list(clean_logger.handlers), clean_logger.level
    _logging.configure_from_env()
    assert (list(clean_logger.handlers), clean_logger.level) == before


def test_an_unknown_level_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICEHUB_LOG", "verbose")
    with pytest.raises(ConfigurationError, match=r"SERVICEHUB_LOG='verbose'.*debug, info, warning"):
        _logging.configure_from_env()
