"""Hooks of the servicehub-sdk Airflow provider: one per backend and connection type."""

from .. import _extra  # noqa: F401  (Airflow is installed)
from ._base import ServiceHubHook, TicketSystemHook
from ._cecenter import ServiceHubCECenterHook
from ._fsm import ServiceHubFSMHook
from ._spicecsm import ServiceHubSpiceCSMHook
from ._ssh import ServiceHubSSHHook
from ._supportcenter import ServiceHubSupportCenterHook

__all__ = [
    "ServiceHubCECenterHook",
    "ServiceHubFSMHook",
    "ServiceHubHook",
    "ServiceHubSSHHook",
    "ServiceHubSpiceCSMHook",
    "ServiceHubSupportCenterHook",
    "TicketSystemHook",
]
