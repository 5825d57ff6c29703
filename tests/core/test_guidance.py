"""Mistakes a newcomer makes first get errors that name what to fix."""

from __future__ import annotations

import pytest

from servicehub_sdk.cecenter import AsyncCECenterClient, CECenterClient
from servicehub_sdk.core import ConfigurationError
from servicehub_sdk.fsm import AsyncFSMClient, FSMClient
from servicehub_sdk.spicecsm import AsyncSpiceCSMClient, SpiceCSMClient
from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.supportcenter import AsyncSupportCenterClient, SupportCenterClient

# (sync class, async class, environment prefix, a parameter, a misspelling of it)
CLIENTS = [
    (SSHClient, AsyncSSHClient, "SERVICEHUB_SSH_", "client_secret", "client_secrte"),
    (FSMClient, AsyncFSMClient, "SERVICEHUB_FSM_", "password", "pasword"),
    (
        SupportCenterClient,
        AsyncSupportCenterClient,
        "SERVICEHUB_SUPPORTCENTER_",
        "base_url",
        "baseurl",
    ),
    (CECenterClient, AsyncCECenterClient, "SERVICEHUB_CECENTER_", "tenant", "tennant"),
    (SpiceCSMClient, AsyncSpiceCSMClient, "SERVICEHUB_SPICECSM_", "username", "user_name"),
]
IDS = [entry[0].__name__ for entry in CLIENTS]


@pytest.fixture(autouse=True)
def no_servicehub_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("SERVICEHUB_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(("sync_cls", "async_cls", "prefix", "param", "typo"), CLIENTS, ids=IDS)
def test_a_misspelt_argument_names_the_public_class_and_the_closest_parameter(
    sync_cls: type, async_cls: type, prefix: str, param: str, typo: str
) -> None:
    for cls in (sync_cls, async_cls):
        with pytest.raises(TypeError) as caught:
            cls(**{typo: "x"})
        message = str(caught.value)
        assert message.startswith(f"{cls.__name__}() got an unexpected keyword argument {typo!r}")
        assert message.endswith(f"(did you mean {param!r}?)")  # nothing else to read
        assert "_" + cls.__name__.removeprefix("Async") not in message  # no private base


def test_several_misspelt_arguments_are_named_together() -> None:
    with pytest.raises(
        TypeError, match="arguments 'api_kye' \\(did you mean 'api_key'\\?\\), 'xyz'"
    ):
        SSHClient(api_kye="k", xyz=1)


def test_an_argument_like_no_parameter_lists_every_parameter() -> None:
    with pytest.raises(TypeError) as caught:
        SSHClient(xyz=1)
    message = str(caught.value)
    assert message.startswith("SSHClient() got an unexpected keyword argument 'xyz'; ")
    assert "it takes api_key, client_id, client_secret, " in message


def test_positional_arguments_are_refused_with_the_keyword_form() -> None:
    with pytest.raises(
        TypeError,
        match=r"SSHClient\(\) takes keyword arguments only, e\.g\. SSHClient\(api_key=\.\.\.\)",
    ):
        SSHClient("key")  # type: ignore[misc]


def test_the_wrapped_constructor_keeps_its_signature() -> None:
    import inspect

    assert "api_key" in inspect.signature(SSHClient.__init__).parameters
    assert SSHClient.__init__.__doc__ == SSHClient.__init__.__wrapped__.__doc__  # type: ignore[attr-defined]


@pytest.mark.parametrize(("sync_cls", "async_cls", "prefix", "param", "typo"), CLIENTS, ids=IDS)
def test_from_env_with_nothing_set_names_the_variables_it_read(
    sync_cls: type, async_cls: type, prefix: str, param: str, typo: str
) -> None:
    for cls in (sync_cls, async_cls):
        with pytest.raises(ConfigurationError) as caught:
            cls.from_env()
        message = str(caught.value)
        assert f"{prefix}{param.upper()}" in message or "SERVICEHUB_FSM_CLIENT_ID" in message
        assert f"{cls.__name__}.from_env() found no {prefix}* variable set" in message
        assert f" {param}" not in message  # the variable, not the Python argument


def test_from_env_names_exactly_the_missing_variables_and_those_it_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SERVICEHUB_SSH_API_KEY", "key")
    with pytest.raises(ConfigurationError) as caught:
        SSHClient.from_env()
    assert str(caught.value) == (
        "Secure Service Hub needs SERVICEHUB_SSH_CLIENT_ID, SERVICEHUB_SSH_CLIENT_SECRET "
        "(or auth=...) — SSHClient.from_env() found SERVICEHUB_SSH_API_KEY"
    )


def test_from_env_names_the_variable_a_bad_value_came_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SERVICEHUB_SSH_ENVIRONMENT", "prod")
    with pytest.raises(ConfigurationError, match=r"^SERVICEHUB_SSH_ENVIRONMENT must be one of"):
        SSHClient.from_env(api_key="k", client_id="c", client_secret="s")


def test_from_env_keeps_the_argument_name_for_what_was_passed_in_code() -> None:
    with pytest.raises(ConfigurationError) as caught:
        SSHClient.from_env(api_key="", client_id="c", client_secret="s")
    assert "needs api_key" in str(caught.value)
    assert "SERVICEHUB_SSH_API_KEY" not in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("false", False), ("0", False), ("No", False), ("true", True), ("1", True)],
)
def test_from_env_reads_flags_as_flags_not_as_truthy_text(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("SERVICEHUB_SPICECSM_BASE_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("SERVICEHUB_SPICECSM_USERNAME", "api")
    monkeypatch.setenv("SERVICEHUB_SPICECSM_PASSWORD", "pw")
    monkeypatch.setenv("SERVICEHUB_SPICECSM_ALLOW_RAW_SQL", raw)
    with SpiceCSMClient.from_env() as spice:
        assert spice.allow_raw_sql is expected


def test_from_env_refuses_a_flag_it_cannot_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICEHUB_SPICECSM_ALLOW_RAW_SQL", "maybe")
    with pytest.raises(
        ConfigurationError,
        match="SERVICEHUB_SPICECSM_ALLOW_RAW_SQL must be true or false, got 'maybe'",
    ):
        SpiceCSMClient.from_env()


def test_from_env_reads_numbers_and_lists_by_the_parameters_type(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from servicehub_sdk.core._environment import env_value

    assert env_value("2048", "V", "int") == 2048
    assert env_value("2.5", "V", "float | httpx.Timeout | None") == 2.5
    assert env_value("3", "V", "int | None") == 3
    assert env_value("a, b,c", "V", "Iterable[str]") == ["a", "b", "c"]
    assert env_value("0912", "V", "str | int | None") == "0912"  # text stays text
    monkeypatch.setenv("SERVICEHUB_SUPPORTCENTER_MAX_UPLOAD_BYTES", "lots")
    with pytest.raises(
        ConfigurationError, match="SERVICEHUB_SUPPORTCENTER_MAX_UPLOAD_BYTES must be a number"
    ):
        SupportCenterClient.from_env(base_url="http://127.0.0.1:1", api_key="k")
