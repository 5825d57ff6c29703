"""`require_extra`: a missing optional dependency is named with the command that installs it."""

from __future__ import annotations

import pickle

import pytest

from servicehub_sdk.core import MissingExtraError
from servicehub_sdk.core._extras import require_extra


def test_present_modules_pass() -> None:
    require_extra("ssh", "json", "httpx", feature="anything")


def test_a_missing_module_names_the_extra_and_the_command() -> None:
    with pytest.raises(MissingExtraError) as caught:
        require_extra("ssh", "httpx", "no_such_module_here", feature="servicehub_sdk.ssh")
    error = caught.value
    assert isinstance(
        error, ModuleNotFoundError
    )  # what `except ImportError` and importorskip catch
    assert (error.extra, error.missing, error.name) == (
        "ssh",
        ["no_such_module_here"],
        "no_such_module_here",
    )
    assert str(error) == (
        "servicehub_sdk.ssh needs the 'ssh' extra (no_such_module_here not installed): "
        "pip install 'servicehub-sdk[ssh]'"
    )
    assert str(pickle.loads(pickle.dumps(error))) == str(error)
