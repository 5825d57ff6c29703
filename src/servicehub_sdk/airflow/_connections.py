"""The provider's connection types, as data: which Airflow connection field holds which client
parameter, and how the connection form shows them.

Each backend's spec (`servicehub_sdk.backends`) declares its connection type, hook and
`ConnectionForm`; `CONNECTION_SPECS` joins them into one `ConnectionSpec` per backend. Airflow
reads the form from `get_provider_info()` (`conn-fields`, `ui-field-behaviour`, since Airflow
3.2) or from the hooks' `get_ui_field_behaviour()` / `get_connection_form_widgets()` (Airflow
3.0 and 3.1); both are built from the `ConnectionSpec`s here. Nothing in this module imports
Airflow or a client, so reading the provider's metadata costs neither.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import SecretStr, TypeAdapter, ValidationError

from ..core._errors import ConfigurationError

if TYPE_CHECKING:
    from .._backends import BackendSpec

__all__ = [
    "CONNECTION_SPECS",
    "ConnectionForm",
    "ConnectionSpec",
    "ExtraField",
    "StandardField",
]

Kind = Literal["string", "integer", "number", "boolean"]
STANDARD_FIELDS = ("host", "schema", "login", "password", "port", "extra", "description")
_CONVERTERS: dict[Kind, TypeAdapter[Any]] = {
    "string": TypeAdapter(str),
    "integer": TypeAdapter(int),
    "number": TypeAdapter(float),
    "boolean": TypeAdapter(bool),
}


@dataclass(frozen=True)
class StandardField:
    """One of Airflow's own connection fields (host, login, password, schema) as a client
    parameter.

    Attributes:
        parameter: the client constructor's parameter that receives the value.
        label: the field's label in the connection form.
        placeholder: the example shown in the empty field.
    """

    parameter: str
    label: str
    placeholder: str | None = None


@dataclass(frozen=True)
class ExtraField:
    """A field kept in the connection's `extra` JSON, named like the client parameter it sets.

    Attributes:
        name: the key in `extra` and the client constructor's parameter.
        label: the field's label in the connection form.
        kind: `string`, `integer`, `number` or `boolean`.
        secret: shown masked in the form (a password field).
        choices: the values allowed (a drop-down).
        description: help text under the field.
        client: whether the value goes to the client; `False` for settings of the ticket
            target (`customer_id`, `table`...), the help desk's `defaults=` (`help_desk()`).
    """

    name: str
    label: str
    kind: Kind = "string"
    secret: bool = False
    choices: tuple[str, ...] = ()
    description: str | None = None
    client: bool = True

    def conn_field(self) -> dict[str, Any]:
        """The field as Airflow's `conn-fields` entry (a JSON schema with a label)."""
        schema: dict[str, Any] = {"type": [self.kind, "null"]}
        if self.secret:
            schema["format"] = "password"
        if self.choices:
            schema["enum"] = list(self.choices)
        entry: dict[str, Any] = {"label": self.label, "schema": schema}
        if self.description:
            entry["description"] = self.description
        return entry

    def read(self, value: Any, conn_id: str) -> Any:
        """The extra's value converted to `kind` (form values often arrive as text)."""
        try:
            converted = _CONVERTERS[self.kind].validate_python(value)
        except ValidationError:
            raise ConfigurationError(
                f"connection {conn_id!r}: extra {self.name!r} must be a {self.kind}"
            ) from None
        if self.choices and converted not in self.choices:
            raise ConfigurationError(
                f"connection {conn_id!r}: extra {self.name!r} must be one of "
                f"{', '.join(self.choices)}, got {converted!r}"
            )
        return SecretStr(converted) if self.secret else converted


TIMEOUT = ExtraField("timeout", "Timeout (seconds)", "number", description="Per request.")
MAX_RETRIES = ExtraField("max_retries", "Retries", "integer", description="Per call, 0 for none.")
ALLOW_INSECURE_HTTP = ExtraField(
    "allow_insecure_http",
    "Allow plain http",
    "boolean",
    description="Send credentials over http:// to a host other than this machine (trusted "
    "networks only); without it every URL must be https.",
)


@dataclass(frozen=True)
class ConnectionForm:
    """A backend's Airflow connection form, declared in its `BackendSpec` (`airflow_form`).

    Attributes:
        standard: Airflow's own fields in use, by field name (`host`, `login`, `password`,
            `schema`); the others are hidden.
        extras: the fields kept in `extra`.
    """

    standard: Mapping[str, StandardField]
    extras: tuple[ExtraField, ...] = field(default=())


@dataclass(frozen=True)
class ConnectionSpec:
    """One connection type of the provider: a backend's connection type, hook and form.

    Attributes:
        backend: the SDK's backend name (`ssh`, `fsm`, ...).
        conn_type: the Airflow connection type (`servicehub_ssh`, ...).
        hook_name: the connection type's name in the UI.
        hook_class: the hook's dotted path.
        standard: Airflow's own fields in use, by field name (`host`, `login`, `password`,
            `schema`); the others are hidden.
        extras: the fields kept in `extra`.
    """

    backend: str
    conn_type: str
    hook_name: str
    hook_class: str
    standard: Mapping[str, StandardField]
    extras: tuple[ExtraField, ...] = field(default=())

    @classmethod
    def of(cls, backend: BackendSpec) -> ConnectionSpec:
        """The connection type `backend` declares (`ValueError` when it declares none)."""
        from .._backends import load_object

        if not (backend.airflow_conn_type and backend.airflow_hook and backend.airflow_form):
            raise ValueError(f"backend {backend.name!r} declares no Airflow connection type")
        form: ConnectionForm = load_object(backend.airflow_form)
        return cls(
            backend=backend.name,
            conn_type=backend.airflow_conn_type,
            hook_name=backend.display_name,
            hook_class=backend.airflow_hook.replace(":", "."),
            standard=form.standard,
            extras=form.extras,
        )

    @property
    def default_conn_name(self) -> str:
        return f"{self.conn_type}_default"

    @property
    def target_fields(self) -> frozenset[str]:
        """The extras that configure the ticket target rather than the client."""
        return frozenset(f.name for f in self.extras if not f.client)

    def ui_field_behaviour(self) -> dict[str, Any]:
        """Hidden, relabelled and prefilled standard fields, as `get_ui_field_behaviour()`
        returns them."""
        return {
            "hidden_fields": [
                name
                for name in STANDARD_FIELDS
                if name not in self.standard and name not in ("extra", "description")
            ],
            "relabeling": {name: f.label for name, f in self.standard.items()},
            "placeholders": {
                name: f.placeholder for name, f in self.standard.items() if f.placeholder
            },
        }

    def provider_connection_type(self) -> dict[str, Any]:
        """The entry of `connection-types` in `get_provider_info()`."""
        behaviour = self.ui_field_behaviour()
        return {
            "connection-type": self.conn_type,
            "hook-class-name": self.hook_class,
            "hook-name": self.hook_name,
            "ui-field-behaviour": {
                "hidden-fields": behaviour["hidden_fields"],
                "relabeling": behaviour["relabeling"],
                "placeholders": behaviour["placeholders"],
            },
            "conn-fields": {f.name: f.conn_field() for f in self.extras},
        }

    def to_connection(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """An Airflow connection (the JSON of `AIRFLOW_CONN_<ID>` or `airflow connections
        add --conn-json`) holding client `settings`, e.g. `Sandbox.config(backend)`.

        Raises `ConfigurationError` for a setting the connection type has no field for.
        """
        fields = {standard.parameter: name for name, standard in self.standard.items()}
        conn: dict[str, Any] = {"conn_type": self.conn_type}
        extra: dict[str, Any] = {}
        for key, value in settings.items():
            plain = value.get_secret_value() if isinstance(value, SecretStr) else value
            if key in fields:
                conn[fields[key]] = plain
            elif self.extra_field(key) is not None:
                extra[key] = plain
            else:
                raise ConfigurationError(f"{self.conn_type} connections have no field for {key!r}")
        if extra:
            conn["extra"] = extra
        return conn

    def extra_field(self, name: str) -> ExtraField | None:
        return next((f for f in self.extras if f.name == name), None)

    def read_extras(self, extra: Mapping[str, Any], conn_id: str) -> dict[str, Any]:
        """The connection's extras by field name, converted; empty values left out.

        Keys may carry Airflow's old form prefix (`extra__<conn_type>__<name>`). A key that is
        no field of this connection type is refused, so a misspelt setting is not ignored.
        """
        prefix = f"extra__{self.conn_type}__"
        values: dict[str, Any] = {}
        for key, value in extra.items():
            name = key.removeprefix(prefix)
            spec = self.extra_field(name)
            if spec is None:
                known = ", ".join(f.name for f in self.extras)
                raise ConfigurationError(
                    f"connection {conn_id!r} ({self.conn_type}) has an unknown extra {key!r}; "
                    f"known: {known}"
                )
            if value is None or value == "":
                continue
            values[name] = spec.read(value, conn_id)
        return values


class _ConnectionSpecs(Mapping[str, ConnectionSpec]):
    """The connection type of every registered backend that declares one, by backend name."""

    def _all(self) -> dict[str, ConnectionSpec]:
        from .._backends import backends

        return {
            name: ConnectionSpec.of(spec)
            for name, spec in backends.items()
            if spec.airflow_conn_type is not None
        }

    def __getitem__(self, backend: str) -> ConnectionSpec:
        from .._backends import backends

        spec = backends[backend]
        if spec.airflow_conn_type is None:
            raise KeyError(f"backend {backend!r} declares no Airflow connection type")
        return ConnectionSpec.of(spec)

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


CONNECTION_SPECS: Mapping[str, ConnectionSpec] = _ConnectionSpecs()
"""Every connection type of the provider, by backend name (read from `servicehub_sdk.backends`)."""
