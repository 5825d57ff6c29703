"""The base of every SDK model: snake_case attributes, the wire's camelCase aliases."""

from __future__ import annotations

from typing import Any, TypeVar

import pydantic
import pydantic_core
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from ._boundary import check_values
from ._display import brief_repr_args, model_html, model_text
from ._errors import RequestValidationError

__all__ = ["ServiceHubModel", "validate_input"]

M = TypeVar("M", bound=BaseModel)


class ServiceHubModel(BaseModel):
    """Base model: `snake_case` attributes, camelCase on the wire, unknown fields kept.

    Vendors add fields without notice; those land in `model_extra` (and in `model_dump()`)
    instead of being dropped, so nothing the server sent is lost.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=False,
        extra="allow",
        frozen=False,
    )

    def __repr_args__(self) -> Any:
        # One short line: unset fields left out, long values cut, the rest counted.
        return brief_repr_args(super().__repr_args__())

    def _repr_html_(self) -> str:
        """Jupyter's display: a table of the fields that are set; secrets show as REDACTED."""
        return model_html(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's display: the same table as aligned text."""
        printer.text(f"{type(self).__name__}(...)" if cycle else model_text(self))

    def to_wire(self) -> dict[str, Any]:
        """The model as the vendor spells it: aliases, no unset `None` fields."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def validate_input(model: type[M], value: Any) -> M:
    """`model` built from a model instance, a mapping or keyword data, or a clear error.

    Raises:
        RequestValidationError: with every problem pydantic found, before anything is sent.
    """
    if isinstance(value, model):
        return value
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=False, exclude_unset=True)
    try:
        validated = model.model_validate(value)
    except pydantic.ValidationError as exc:
        problems = [
            {"loc": tuple(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()
        ]
        lines = "; ".join(
            f"{'.'.join(map(str, p['loc'])) or '(input)'}: {p['msg']}" for p in problems
        )
        raise RequestValidationError(
            f"invalid {model.__name__}: {lines}", errors=problems
        ) from None
    _check_sendable(validated)
    return validated


def _check_sendable(model: BaseModel) -> None:
    """Refuse what the JSON dump would lose or choke on: NaN (dumped as null), sets and bytes
    in free-form fields, values of types no serializer knows."""
    name = type(model).__name__
    check_values(model.model_dump(mode="python"), field=name)
    try:
        model.model_dump(mode="json")
    except pydantic_core.PydanticSerializationError as exc:
        raise RequestValidationError(
            f"invalid {name}: a value cannot be sent ({exc})",
            errors=[{"loc": (name,), "msg": "cannot be serialised"}],
        ) from None
