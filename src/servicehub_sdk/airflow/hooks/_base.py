"""What every hook of the provider shares: reading its Airflow connection into client
settings, building the sync and async clients, the connection form and the connection test."""

from __future__ import annotations

import asyncio
from abc import abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import SecretStr

from ..._backends import BackendSpec, backends
from ...core._errors import ConfigurationError, ServiceHubError
from .._connections import ConnectionSpec

try:  # Airflow 3.1 and later
    from airflow.sdk import BaseHook
except ImportError:  # Airflow 3.0
    from airflow.hooks.base import BaseHook

__all__ = ["ServiceHubHook"]


def _url(host: str, port: int | None) -> str:
    """The connection's host as a URL: `https://` unless it names its scheme."""
    if "://" in host:
        return host
    return f"https://{host}:{port}" if port else f"https://{host}"


class ServiceHubHook(BaseHook):
    """A hook reading one connection of a servicehub-sdk connection type.

    Args:
        servicehub_conn_id: the Airflow connection (default: `<conn_type>_default`).
        client_options: client constructor arguments that win over the connection
            (`timeout`, `max_retries`, `http_client`...).

    Subclasses set `spec` (the connection type, `CONNECTION_SPECS[backend]`) and
    `probe(client)`, the cheap read `test_connection` makes; the client classes are the ones
    the backend's spec (`servicehub_sdk.backends`) declares.
    """

    spec: ClassVar[ConnectionSpec]
    conn_name_attr = "servicehub_conn_id"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        spec = cls.__dict__.get("spec")
        if spec is None:
            return
        cls.conn_type = spec.conn_type
        cls.hook_name = spec.hook_name
        cls.default_conn_name = spec.default_conn_name
        # Airflow 3.0 and 3.1 read the connection form only from methods the hook class
        # itself defines (not inherited ones); later releases read `get_provider_info()`.
        cls.get_ui_field_behaviour = classmethod(_ui_field_behaviour)
        cls.get_connection_form_widgets = classmethod(_connection_form_widgets)

    def __init__(self, servicehub_conn_id: str | None = None, **client_options: Any) -> None:
        super().__init__()
        self.servicehub_conn_id = servicehub_conn_id or self.spec.default_conn_name
        self.client_options = client_options
        self._read: dict[str, Any] | None = None

    def _settings(self) -> dict[str, Any]:
        """Every value the connection holds, by client (or target) parameter name (the
        connection is read once per hook)."""
        if self._read is None:
            self._read = self._read_connection()
        return self._read

    def _read_connection(self) -> dict[str, Any]:
        conn = self.get_connection(self.servicehub_conn_id)
        return self._settings_of(conn, conn.extra_dejson)

    async def _aread_connection(self) -> dict[str, Any]:
        """`_read_connection` from an event loop (a trigger): Airflow 3.1 and later fetch the
        connection and mask its extras without blocking the loop (their blocking calls would
        deadlock it); 3.0 reads it in a worker thread."""
        getter = getattr(self, "aget_connection", None)
        if getter is None:
            return await asyncio.to_thread(self._read_connection)
        conn = await getter(self.servicehub_conn_id)
        reader = getattr(conn, "aextra_dejson", None)
        extra = await reader() if reader is not None else conn.extra_dejson
        return self._settings_of(conn, extra)

    def _settings_of(self, conn: Any, extra: Any) -> dict[str, Any]:
        conn_id = self.servicehub_conn_id
        if conn.conn_type and conn.conn_type != self.spec.conn_type:
            raise ConfigurationError(
                f"connection {conn_id!r} is of type {conn.conn_type!r}, "
                f"{type(self).__name__} reads {self.spec.conn_type!r}"
            )
        settings: dict[str, Any] = {}
        for name, standard in self.spec.standard.items():
            value = getattr(conn, name, None)
            if not value:
                continue
            if name == "host":
                value = _url(value, conn.port)
            elif name == "password":
                value = SecretStr(value)
            settings[standard.parameter] = value
        if not isinstance(extra, Mapping):
            raise ConfigurationError(f"connection {conn_id!r}: extra must be a JSON object")
        settings.update(self.spec.read_extras(extra, conn_id))
        return settings

    def client_config(self) -> dict[str, Any]:
        """The client constructor's keyword arguments: the connection's, then
        `client_options`."""
        targets = self.spec.target_fields
        config = {k: v for k, v in self._settings().items() if k not in targets}
        return {**config, **self.client_options}

    def target_settings(self) -> dict[str, Any]:
        """The connection's settings for tickets created through it (`customer_id`...)."""
        return {k: v for k, v in self._settings().items() if k in self.spec.target_fields}

    @property
    def backend(self) -> BackendSpec:
        """The spec of the connection's backend."""
        return backends[self.spec.backend]

    def get_client(self) -> Any:
        """A new sync client of the connection; use it in a `with` block to close it."""
        return self.backend.client_class()(**self.client_config())

    def get_async_client(self) -> Any:
        """A new async client of the connection; use it in an `async with` block."""
        return self.backend.client_class(asynchronous=True)(**self.client_config())

    async def aget_async_client(self) -> Any:
        """`get_async_client()` for code already in an event loop (a trigger on the
        triggerer): the connection is read without blocking the loop."""
        if self._read is None:
            self._read = await self._aread_connection()
        return self.get_async_client()

    def get_conn(self) -> Any:
        """Airflow's name for `get_client()`."""
        return self.get_client()

    @abstractmethod
    def probe(self, client: Any) -> str:
        """Make one cheap read with `client` and say what it found."""

    def test_connection(self) -> tuple[bool, str]:
        """Airflow's connection test: one cheap read. Returns `(ok, message)`; the message
        carries no secret."""
        try:
            with self.get_client() as client:
                found = self.probe(client)
        except ServiceHubError as exc:
            return False, f"{type(exc).__name__}: {exc.message}"
        return True, f"Connected to {self.spec.hook_name}: {found}"


def _ui_field_behaviour(cls: type[ServiceHubHook]) -> dict[str, Any]:
    """Hidden, relabelled and prefilled standard fields of the connection form."""
    return cls.spec.ui_field_behaviour()


def _connection_form_widgets(cls: type[ServiceHubHook]) -> dict[str, Any]:
    """The form fields of the connection's extras (WTForms fields, as Airflow 3.0 and 3.1
    expect; their API server renders them without Flask)."""
    from wtforms import BooleanField, IntegerField, PasswordField, StringField
    from wtforms.validators import Optional, any_of

    classes = {"integer": IntegerField, "boolean": BooleanField}
    widgets: dict[str, Any] = {}
    for field in cls.spec.extras:
        field_class = PasswordField if field.secret else classes.get(field.kind, StringField)
        validators: list[Any] = [Optional()]
        if field.choices:
            validators.append(any_of(list(field.choices)))
        widgets[field.name] = field_class(
            field.label, validators=validators, description=field.description or ""
        )
    return widgets


class TicketSystemHook(ServiceHubHook):
    """A hook of a ticket system service cases can be linked to (`link_service_cases`).

    Tickets are created through a `HelpDesk` over the connection's client; the connection's
    target settings and `options` are its `defaults=`.
    """

    def help_desk(self, client: Any, **options: Any) -> Any:
        """The `HelpDesk` creating tickets through `client` (this connection's client)."""
        if self.backend.help_desk is None:
            raise ConfigurationError(f"{self.backend.display_name} holds no tickets")
        from ...helpdesk import HelpDesk

        settings = {k: v for k, v in {**self.target_settings(), **options}.items() if v}
        return HelpDesk(client, defaults=settings)
