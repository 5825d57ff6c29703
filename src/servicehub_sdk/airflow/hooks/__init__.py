"""Hooks of the servicehub-sdk Airflow provider: one per backend and connection type."""

from .. import _extra  # noqa: F401  (Airflow is installed)
from .base import ServiceHubHook, TicketSystemHook
from .cecenter import CECenterHook
from .fsm import CrowdPartnerHook
from .spicecsm import SpiceCsmHook
from .ssh import SecureServiceHubHook
from .supportcenter import SupportCenterPlusHook

__all__ = [
    "CECenterHook",
    "CrowdPartnerHook",
    "SecureServiceHubHook",
    "ServiceHubHook",
    "SpiceCsmHook",
    "SupportCenterPlusHook",
    "TicketSystemHook",
]
