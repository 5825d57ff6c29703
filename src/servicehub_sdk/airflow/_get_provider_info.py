"""The provider's metadata, read by Airflow through the `apache_airflow_provider` entry point.

Importing this module imports neither Airflow nor any client: Airflow lists providers cheaply.
"""

from __future__ import annotations

from typing import Any

from .._version import __version__
from ._connections import CONNECTION_SPECS

__all__ = ["get_provider_info"]

PACKAGE = "servicehub_sdk.airflow"
# The operators and the sensor read Secure Service Hub's service cases.
OPERATORS_BACKEND = "ssh"


def get_provider_info() -> dict[str, Any]:
    """Package, integrations, hooks, operators, sensors, triggers, the `servicehub://` asset
    scheme and connection types (with their connection forms), in the shape of Airflow's `provider_info.schema.json`: one integration
    and connection type per registered backend that declares one."""
    specs = list(CONNECTION_SPECS.values())
    hub = CONNECTION_SPECS[OPERATORS_BACKEND].hook_name
    return {
        "package-name": "servicehub-sdk",
        "name": "servicehub-sdk",
        "description": (
            f"{_enumeration([spec.hook_name for spec in specs])}: connections, hooks, and "
            "operators that sync ERP master data and link service cases to tickets exactly once."
        ),
        "versions": [__version__],
        "integrations": [
            {"integration-name": spec.hook_name, "tags": ["service"]} for spec in specs
        ],
        "hooks": [
            {
                "integration-name": spec.hook_name,
                "python-modules": [spec.hook_class.rpartition(".")[0]],
            }
            for spec in specs
        ],
        "operators": [
            {
                "integration-name": hub,
                "python-modules": [f"{PACKAGE}.operators"],
            }
        ],
        "sensors": [{"integration-name": hub, "python-modules": [f"{PACKAGE}.sensors"]}],
        "triggers": [{"integration-name": hub, "python-modules": [f"{PACKAGE}.triggers"]}],
        "asset-uris": [
            {
                "schemes": ["servicehub"],
                "handler": f"{PACKAGE}._assets.sanitize_uri",
                "factory": f"{PACKAGE}._assets.create_asset",
                "to_openlineage_converter": f"{PACKAGE}._assets.convert_asset_to_openlineage",
            }
        ],
        "connection-types": [spec.provider_connection_type() for spec in specs],
    }


def _enumeration(names: list[str]) -> str:
    """`a, b and c`."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
