"""`from_env()` and misspelt `SERVICEHUB_<BACKEND>_*` variables: a warning with "did you mean",
the misspelt variable named when a setting is missing, an error with `SERVICEHUB_STRICT_ENV=1`,
and nothing for correct names, global variables or other backends' variables."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pytest

from servicehub_sdk import ConfigurationError, ConfigurationWarning
from servicehub_sdk.core._environment import GLOBAL_VARIABLES
from servicehub_sdk.ssh import SSHClient
from servicehub_sdk.supportcenter import SupportCenterClient

SSH = {
    "SERVICEHUB_SSH_API_KEY": "key",
    "SERVICEHUB_SSH_CLIENT_ID": "id",
    "SERVICEHUB_SSH_CLIENT_SECRET": "secret",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SERVICEHUB_"):
            monkeypatch.delenv(name)


def setenv(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)


def test_a_misspelt_setting_warns_with_the_variable_meant(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, **SSH, SERVICEHUB_SSH_BASEURL="http://staging.example")
    with pytest.warns(ConfigurationWarning) as caught, SSHClient.from_env() as hub:
        assert "staging" not in str(hub.base_url)  # the misspelt URL was not read
    assert str(caught[0].message) == (
        "SERVICEHUB_SSH_BASEURL is set but SSHClient.from_env() reads no such variable "
        "(did you mean SERVICEHUB_SSH_BASE_URL?)"
    )
    assert caught[0].filename == __file__  # points at the caller's line


def test_a_misspelt_backend_warns_too(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(monkeypatch, **SSH, SERVICEHUB_SHH_BASE_URL="http://staging.example")
    with pytest.warns(ConfigurationWarning, match="did you mean SERVICEHUB_SSH_BASE_URL"):
        SSHClient.from_env().close()


def test_a_missing_setting_names_its_misspelt_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(
        monkeypatch,
        SERVICEHUB_SSH_APIKEY="key",
        SERVICEHUB_SSH_CLIENT_ID="id",
        SERVICEHUB_SSH_CLIENT_SECRET="secret",
    )
    with (
        pytest.warns(ConfigurationWarning),
        pytest.raises(ConfigurationError) as raised,
    ):
        SSHClient.from_env()
    message = str(raised.value)
    assert "needs SERVICEHUB_SSH_API_KEY" in message
    assert "SERVICEHUB_SSH_APIKEY is set" in message
    assert "(did you mean SERVICEHUB_SSH_API_KEY?)" in message


def test_strict_environment_makes_it_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(
        monkeypatch,
        **SSH,
        SERVICEHUB_SSH_BASEURL="http://staging.example",
        SERVICEHUB_SSH_TIMEOUTS="5",
        SERVICEHUB_STRICT_ENV="1",
    )
    with pytest.raises(ConfigurationError) as raised:
        SSHClient.from_env()
    message = str(raised.value)
    assert "SERVICEHUB_SSH_BASEURL is set" in message
    assert "did you mean SERVICEHUB_SSH_BASE_URL?" in message
    assert "did you mean SERVICEHUB_SSH_TIMEOUT?" in message
    assert message.endswith("(SERVICEHUB_STRICT_ENV=1)")


def test_a_variable_far_from_every_setting_is_reported_without_a_guess(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setenv(monkeypatch, **SSH, SERVICEHUB_SSH_COLOUR="blue")
    with pytest.warns(ConfigurationWarning) as caught:
        SSHClient.from_env().close()
    assert "SERVICEHUB_SSH_COLOUR is set" in str(caught[0].message)
    assert "did you mean" not in str(caught[0].message)


def test_correct_names_globals_and_other_backends_are_not_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setenv(
        monkeypatch,
        **SSH,
        SERVICEHUB_SSH_TIMEOUT="5",
        SERVICEHUB_STRICT_ENV="1",
        SERVICEHUB_CONFIG="/tmp/servicehub.toml",
        SERVICEHUB_JOURNAL="links.sqlite3",
        SERVICEHUB_FSM_BASE_URL="https://fsm.example",
        SERVICEHUB_SUPPORTCENTER_BASE_URL="https://helpdesk.example",
        SERVICEHUB_SUPPORTCENTER_API_KEY="k",
        SERVICEHUB_CECENTER_BASE_URL="https://cec.example",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SSHClient.from_env().close()
        SupportCenterClient.from_env().close()


def test_the_global_variables_are_documented() -> None:
    docs = Path(__file__).parents[2] / "docs" / "getting-started.md"
    table = re.findall(r"^\| `(SERVICEHUB_\w+)` \|", docs.read_text(encoding="utf-8"), re.M)
    assert table == list(GLOBAL_VARIABLES)
