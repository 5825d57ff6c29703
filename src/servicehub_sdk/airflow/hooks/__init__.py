"""Hooks of the servicehub-sdk Airflow provider: one per backend and connection type."""

from .. import _extra  # noqa: F401  (Airflow is installed)
from ._base import ServiceHubHook, TicketSystemHook
from ._cecenter import CECenterHook
from ._fsm import CrowdPartnerHook
from ._spicecsm import SpiceCsmHook
from ._ssh import SecureServiceHubHook
from ._supportcenter import SupportCenterPlusHook

__all__ = [
    "CECenterHook",
    "CrowdPartnerHook",
    "SecureServiceHubHook",
    "ServiceHubHook",
    "SpiceCsmHook",
    "SupportCenterPlusHook",
    "TicketSystemHook",
]
