"""The built-in emulators, registered by name; each is imported only when started."""

from .sandbox import register_emulator

__all__ = ["register_emulator"]

register_emulator(
    "ssh",
    "servicehub_sdk.testing.ssh:create_emulator",
    client_module="servicehub_sdk.ssh",
    sync_client="SecureServiceHub",
    async_client="AsyncSecureServiceHub",
)
register_emulator(
    "fsm",
    "servicehub_sdk.testing.fsm:create_emulator",
    client_module="servicehub_sdk.fsm",
    sync_client="CrowdPartnerClient",
    async_client="AsyncCrowdPartnerClient",
)
register_emulator(
    "supportcenter",
    "servicehub_sdk.testing.supportcenter:create_emulator",
    client_module="servicehub_sdk.supportcenter",
    sync_client="SupportCenterPlus",
    async_client="AsyncSupportCenterPlus",
)
register_emulator(
    "cecenter",
    "servicehub_sdk.testing.cecenter:create_emulator",
    client_module="servicehub_sdk.cecenter",
    sync_client="CECenterMashup",
    async_client="AsyncCECenterMashup",
)
register_emulator(
    "spicecsm",
    "servicehub_sdk.testing.spicecsm:create_emulator",
    client_module="servicehub_sdk.spicecsm",
    sync_client="SpiceJsonRpcClient",
    async_client="AsyncSpiceJsonRpcClient",
)
