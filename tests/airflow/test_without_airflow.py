"""Without Airflow (the default test environment): the provider names the extra it needs, and
its metadata is readable all the same."""

from __future__ import annotations

import importlib
from importlib.util import find_spec
from pathlib import Path

import pytest

import servicehub_sdk
from servicehub_sdk.core import MissingExtraError

pytestmark = pytest.mark.skipif(find_spec("airflow") is not None, reason="Airflow is installed")


@pytest.mark.parametrize(
    "module",
    [
        "servicehub_sdk.airflow.hooks",
        "servicehub_sdk.airflow.operators",
        "servicehub_sdk.airflow.sensors",
        "servicehub_sdk.airflow.triggers",
    ],
)
def test_the_provider_needs_the_airflow_extra(module: str) -> None:
    with pytest.raises(MissingExtraError, match=r"pip install 'servicehub-sdk\[airflow\]'"):
        importlib.import_module(module)


def test_the_provider_info_needs_no_airflow() -> None:
    from servicehub_sdk.airflow._get_provider_info import get_provider_info

    info = get_provider_info()
    assert len(info["connection-types"]) == 5
    # the modules it names exist (importing them needs Airflow, so their files are looked for)
    src = Path(servicehub_sdk.__file__).parents[1]
    for group in ("hooks", "operators", "sensors", "triggers"):
        for entry in info[group]:
            for module in entry["python-modules"]:
                path = src.joinpath(*module.split("."))
                assert path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def test_the_asset_uri_handler_needs_no_airflow() -> None:
    from importlib import import_module
    from urllib.parse import urlsplit, urlunsplit

    from servicehub_sdk.airflow._get_provider_info import get_provider_info

    (entry,) = get_provider_info()["asset-uris"]
    assert entry["schemes"] == ["servicehub"]
    module, _, name = entry["handler"].rpartition(".")
    sanitize = getattr(import_module(module), name)
    normalised = sanitize(urlsplit("servicehub://SSH/service_cases/"))
    assert urlunsplit(normalised) == "servicehub://ssh/service_cases"
    with pytest.raises(ValueError, match="unknown backend 'nowhere'"):
        sanitize(urlsplit("servicehub://nowhere/service_cases"))
