"""The built-in emulators, registered by name; each is imported only when started."""

from ._sandbox import register_emulator

__all__ = ["register_emulator"]

register_emulator(
    "ssh",
    "servicehub_sdk.testing._ssh:create_emulator",
    client_module="servicehub_sdk.ssh",
    sync_client="SSHClient",
    async_client="AsyncSSHClient",
)
register_emulator(
    "fsm",
    "servicehub_sdk.testing._fsm:create_emulator",
    client_module="servicehub_sdk.fsm",
    sync_client="FSMClient",
    async_client="AsyncFSMClient",
)
register_emulator(
    "supportcenter",
    "servicehub_sdk.testing._supportcenter:create_emulator",
    client_module="servicehub_sdk.supportcenter",
    sync_client="SupportCenterClient",
    async_client="AsyncSupportCenterClient",
)
register_emulator(
    "cecenter",
    "servicehub_sdk.testing._cecenter:create_emulator",
    client_module="servicehub_sdk.cecenter",
    sync_client="CECenterClient",
    async_client="AsyncCECenterClient",
)
register_emulator(
    "spicecsm",
    "servicehub_sdk.testing._spicecsm:create_emulator",
    client_module="servicehub_sdk.spicecsm",
    sync_client="SpiceCSMClient",
    async_client="AsyncSpiceCSMClient",
)
