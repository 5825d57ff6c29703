"""The provider as Airflow sees it: its metadata, connection types and connection forms."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files
from typing import Any

import pytest

pytest.importorskip("airflow.providers_manager", reason="Airflow is not installed")

import jsonschema
from airflow.providers_manager import ProvidersManager

from servicehub_sdk.airflow._connections import CONNECTION_SPECS
from servicehub_sdk.airflow._get_provider_info import get_provider_info
from servicehub_sdk.airflow.hooks import (
    ServiceHubCECenterHook,
    ServiceHubFSMHook,
    ServiceHubSpiceCSMHook,
    ServiceHubSSHHook,
    ServiceHubSupportCenterHook,
)

HOOKS = [
    ServiceHubSSHHook,
    ServiceHubFSMHook,
    ServiceHubSupportCenterHook,
    ServiceHubCECenterHook,
    ServiceHubSpiceCSMHook,
]


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
        f"servicehub_{backend}" for backend in CONNECTION_SPECS
    ]
    assert sorted(CONNECTION_SPECS) == sorted(hook.spec.backend for hook in HOOKS)
    modules = [
        m
        for group in ("hooks", "operators", "sensors", "triggers")
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


# What Airflow's API server sends the UI for the connection form, computed in a fresh process:
# Airflow builds the forms once per process, and the tests before this one have built the
# hooks already (Airflow 3.0 and 3.1 build forms from the hooks' methods, under stand-ins
# for WTForms that only the API server installs).
UI_FORMS = """
import json
import subprocess
import sys
from airflow.api_fastapi.core_api.services.ui.connections import HookMetaService
print(json.dumps({
    m.connection_type: m.model_dump(mode="json")
    for m in HookMetaService.hook_meta_data()
    if m.connection_type.startswith("servicehub_")
}))
"""


def ui_forms() -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", UI_FORMS], capture_output=True, text=True, timeout=120, check=True
    )
    forms: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return forms


def test_the_connection_form_airflows_ui_renders() -> None:
    forms = ui_forms()
    assert sorted(forms) == sorted(hook.conn_type for hook in HOOKS)
    for entry in get_provider_info()["connection-types"]:
        form = forms[entry["connection-type"]]
        assert form["hook_name"] == entry["hook-name"]
        behaviour = entry["ui-field-behaviour"]
        standard = {
            "url_schema" if k == "schema" else k: v for k, v in form["standard_fields"].items()
        }
        for name in ("host", "port", "login", "password", "schema"):
            field = standard["url_schema" if name == "schema" else name] or {}
            assert bool(field.get("hidden")) == (name in behaviour["hidden-fields"])
            assert field.get("title") == behaviour["relabeling"].get(name)
            assert field.get("placeholder") == behaviour["placeholders"].get(name)
        assert sorted(form["extra_fields"]) == sorted(entry["conn-fields"])
        for name, declared in entry["conn-fields"].items():
            schema = form["extra_fields"][name]["schema"]
            assert schema["title"] == declared["label"]
            assert schema.get("format") == declared["schema"].get("format")
            assert schema.get("enum") == declared["schema"].get("enum")
            kind = declared["schema"]["type"][0]
            assert schema["type"][0] in (kind, "string")  # 3.0/3.1 forms have no number field
    ssh = forms["servicehub_ssh"]
    assert ssh["standard_fields"]["host"]["title"] == "GraphQL URL"
    assert ssh["extra_fields"]["api_key"]["schema"]["format"] == "password"
    assert forms["servicehub_cecenter"]["standard_fields"]["url_schema"]["title"] == "Tenant"


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
    rendered = HookMetaService._convert_extra_fields(widgets).get(hook.conn_type)
    if rendered is None:
        pytest.skip("this Airflow renders the form from the hooks' methods (the test above)")
    for name, entry in declared["conn-fields"].items():
        schema = rendered[name]["schema"]
        assert schema["title"] == entry["label"]
        assert schema.get("format") == entry["schema"].get("format")
        assert schema.get("enum") == entry["schema"].get("enum")
        kind = entry["schema"]["type"][0]
        assert schema["type"][0] == ("string" if kind == "number" else kind)


def test_every_connection_type_names_its_hook() -> None:
    assert sorted(hook.conn_type for hook in HOOKS) == sorted(
        spec.conn_type for spec in CONNECTION_SPECS.values()
    )
    for hook in HOOKS:
        assert hook.spec == CONNECTION_SPECS[hook.spec.backend]
    for hook in HOOKS:
        assert hook.spec.hook_class == f"{hook.__module__}.{hook.__name__}"
        assert hook.default_conn_name == f"{hook.conn_type}_default"
