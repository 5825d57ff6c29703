"""Sensors of the servicehub-sdk Airflow provider."""

from .. import _extra  # noqa: F401  (Airflow is installed)
from ._changes import ServiceHubChangesSensor
from ._service_cases import UnlinkedServiceCasesSensor

__all__ = ["ServiceHubChangesSensor", "UnlinkedServiceCasesSensor"]
