"""Triggers of the servicehub-sdk Airflow provider (run by Airflow's triggerer)."""

from .. import _extra  # noqa: F401  (Airflow is installed)
from ._changes import ServiceHubChangesTrigger

__all__ = ["ServiceHubChangesTrigger"]
