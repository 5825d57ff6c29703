"""The provider's metadata, read by Airflow through the `apache_airflow_provider` entry point.

Importing this module imports neither Airflow nor any client: Airflow lists providers cheaply.
"""

from __future__ import annotations

from typing import Any

from .._version import __version__
from ._connections import CONNECTION_SPECS

__all__ = ["get_provider_info"]

PACKAGE = "servicehub_sdk.airflow"
SSH = CONNECTION_SPECS["ssh"].hook_name


def get_provider_info() -> dict[str, Any]:
    """Package, integrations, hooks, operators, sensors and connection types (with their
    connection forms), in the shape of Airflow's `provider_info.schema.json`."""
    specs = CONNECTION_SPECS.values()
    return {
        "package-name": "servicehub-sdk",
        "name": "servicehub-sdk",
        "description": (
            "Secure Service Hub, SAP FSM Crowd Partner, SupportCenter Plus, hybris CECenter "
            "Mashup and SpiceCSM: connections, hooks, and operators that sync ERP master data "
            "and link service cases to tickets exactly once."
        ),
        "versions": [__version__],
        "integrations": [
            {"integration-name": spec.hook_name, "tags": ["service"]} for spec in specs
        ],
        "hooks": [
            {
                "integration-name": spec.hook_name,
                "python-modules": [f"{PACKAGE}.hooks.{spec.backend}"],
            }
            for spec in specs
        ],
        "operators": [
            {
                "integration-name": SSH,
                "python-modules": [
                    f"{PACKAGE}.operators.master_data",
                    f"{PACKAGE}.operators.link_cases",
                ],
            }
        ],
        "sensors": [
            {"integration-name": SSH, "python-modules": [f"{PACKAGE}.sensors.service_cases"]}
        ],
        "connection-types": [spec.provider_connection_type() for spec in specs],
    }
