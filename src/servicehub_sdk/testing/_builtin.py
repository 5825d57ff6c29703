"""The built-in emulators, registered by name; each is imported only when started."""

from .sandbox import register_emulator

__all__ = ["register_emulator"]
