"""The `servicehub` command line (extra `cli`): sandbox, demo, syncs and everyday calls."""

from .app import app, main

__all__ = ["app", "main"]
