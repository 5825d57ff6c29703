"""The provider as Airflow sees it: its metadata, connection types and connection forms."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import pytest

pytest.importorskip("airflow.providers_manager", reason="Airflow is not installed")

import jsonschema
from airflow.providers_manager import ProvidersManager

from servicehub_sdk.airflow.connections import CONNECTION_SPECS
from servicehub_sdk.airflow.get_provider_info import get_provider_info
from servicehub_sdk.airflow.hooks import (
    CECenterHook,
    CrowdPartnerHook,
    SecureServiceHubHook,
    SpiceCsmHook,
    SupportCenterPlusHook,
)

HOOKS = [SecureServiceHubHook, CrowdPartnerHook, SupportCenterPlusHook, CECenterHook, SpiceCsmHook]


def airflow_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(files("airflow").joinpath(name).read_text())
    return schema


def test_provider_info_follows_airflows_schema() -> None:
    info = get_provider_info()
    jsonschema.validate(info, airflow_schema("provider_info.schema.json"))
    # provider.yaml's schema is the strict one for connection types (no unknown keys)
    yaml_schema = airflow_schema("provider.yaml.schema.json")
    connection_type = yaml_schema["properties"]["connection-types"]["items"]
    for entry in info["connection-types"]:
        jsonschema.validate(entry, connection_type)
    assert info["package-name"] == "servicehub-sdk"
    assert [e["connection-type"] for e in info["connection-types"]] == [
        f"servicehub_{backend}"
        for backend in ("ssh", "fsm", "supportcenter", "cecenter", "spicecsm")
    ]
    modules = [
        m
        for group in ("hooks", "operators", "sensors")
        for e in info[group]
        for m in e["python-modules"]
    ]
    for module in modules:
        __import__(module)


def task_runtime_hooks() -> Any:
    """The hooks as a task finds them (`Connection.get_hook`)."""
    try:  # Airflow 3.2 and later
        from airflow.sdk.providers_manager_runtime import ProvidersManagerTaskRuntime
    except ImportError:
        return ProvidersManager().hooks
    return ProvidersManagerTaskRuntime().hooks


def test_airflow_finds_the_provider_and_its_hooks() -> None:
    assert "servicehub-sdk" in ProvidersManager().providers
    hooks = task_runtime_hooks()
    for hook in HOOKS:
        info = hooks[hook.conn_type]
        assert info is not None
        assert info.hook_class_name == f"{hook.__module__}.{hook.__name__}"
        assert info.connection_id_attribute_name == "servicehub_conn_id"
        assert info.hook_name == hook.hook_name


def test_the_connection_form_airflows_ui_renders() -> None:
    from airflow.api_fastapi.core_api.services.ui.connections import HookMetaService

    forms = {m.connection_type: m for m in HookMetaService.hook_meta_data()}
    ssh = forms["servicehub_ssh"]
    assert ssh.hook_name == "Secure Service Hub"
    assert ssh.standard_fields.host.title == "GraphQL URL"
    assert ssh.standard_fields.login.title == "Client ID"
    assert ssh.standard_fields.port.hidden and ssh.standard_fields.url_schema.hidden
    assert ssh.extra_fields["api_key"]["schema"]["format"] == "password"
    assert ssh.extra_fields["environment"]["schema"]["enum"] == ["production", "staging"]
    cec = forms["servicehub_cecenter"]
    assert (
        cec.standard_fields.url_schema.title == "Tenant"
        and not cec.standard_fields.url_schema.hidden
    )
    scp = forms["servicehub_supportcenter"]
    assert scp.standard_fields.login.hidden and scp.standard_fields.password.title == "API key"


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: h.conn_type)
def test_airflow_3_0_form_methods_say_what_the_provider_info_says(hook: Any) -> None:
    """Airflow 3.0 and 3.1 read the form from the hook's methods; Airflow's converter turns
    their WTForms fields into the same JSON schema as the declared `conn-fields`."""
    pytest.importorskip("wtforms")
    from airflow.api_fastapi.core_api.services.ui.connections import HookMetaService
    from airflow.providers_manager import ConnectionFormWidgetInfo

    assert "get_connection_form_widgets" in hook.__dict__  # Airflow 3.0 looks only there
    behaviour = hook.get_ui_field_behaviour()
    jsonschema.validate(behaviour, airflow_schema("customized_form_field_behaviours.schema.json"))
    (declared,) = (
        e for e in get_provider_info()["connection-types"] if e["connection-type"] == hook.conn_type
    )
    assert behaviour["hidden_fields"] == declared["ui-field-behaviour"]["hidden-fields"]
    widgets = {
        f"extra__{hook.conn_type}__{name}": ConnectionFormWidgetInfo(
            hook_class_name=hook.__name__,
            package_name="servicehub-sdk",
            field=field,
            field_name=name,
            is_sensitive=False,
        )
        for name, field in hook.get_connection_form_widgets().items()
    }
    rendered = HookMetaService._convert_extra_fields(widgets)[hook.conn_type]
    for name, entry in declared["conn-fields"].items():
        schema = rendered[name]["schema"]
        assert schema["title"] == entry["label"]
        assert schema.get("format") == entry["schema"].get("format")
        assert schema.get("enum") == entry["schema"].get("enum")
        kind = entry["schema"]["type"][0]
        assert schema["type"][0] == ("string" if kind == "number" else kind)


def test_every_connection_type_names_its_hook() -> None:
    assert [hook.spec for hook in HOOKS] == list(CONNECTION_SPECS.values())
    for hook in HOOKS:
        assert hook.spec.hook_class == f"{hook.__module__}.{hook.__name__}"
        assert hook.default_conn_name == f"{hook.conn_type}_default"
