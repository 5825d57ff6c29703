"""The base of every SDK model: snake_case attributes, the wire's camelCase aliases."""

from __future__ import annotations

import difflib
import functools
import types
from typing import Any, ClassVar, Self, TypeVar, Union, get_args, get_origin

import pydantic
import pydantic_core
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from ._boundary import check_values
from ._display import brief_repr_args, model_html, model_text
from ._errors import InputValidationError, RequestValidationError

__all__ = ["InputModel", "ServiceHubModel", "validate_input"]

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


class InputModel(BaseModel):
    """Base of the models that are sent: a refusal is the SDK's `InputValidationError`.

    `Model(...)`, `Model.model_validate(...)`, `model_validate_json` and
    `model_validate_strings` raise `InputValidationError` (a `ServiceHubError`, a `ValueError`
    and a pydantic `ValidationError` at once) instead of pydantic's bare error, and an
    unknown field is named with the closest one the model has. Whether unknown fields are
    refused is each backend's choice (`extra="forbid"` on its input base).
    """

    unknown_field_hints: ClassVar[dict[str, str]] = {}
    """Hints for unknown fields by prefix, when no field's name is close (`{"udf_": ...}`)."""

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise _input_error(type(self), exc) from None

    # Only wraps errors: marked as pydantic's own, validation (`model_validate`, nested models)
    # builds instances in pydantic-core without a call back into Python per model; the
    # classmethods below wrap their errors the same way.
    __init__.__dict__["__pydantic_base_init__"] = True

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Self:
        try:
            return super().model_validate(obj, **options)
        except pydantic.ValidationError as exc:
            raise _input_error(cls, exc) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **options: Any) -> Self:
        try:
            return super().model_validate_json(json_data, **options)
        except pydantic.ValidationError as exc:
            raise _input_error(cls, exc) from None

    @classmethod
    def model_validate_strings(cls, obj: Any, **options: Any) -> Self:
        try:
            return super().model_validate_strings(obj, **options)
        except pydantic.ValidationError as exc:
            raise _input_error(cls, exc) from None


def _input_error(model: type[BaseModel], error: pydantic.ValidationError) -> InputValidationError:
    if isinstance(error, InputValidationError):
        return error
    hints: dict[tuple[Any, ...], str] = {}
    for problem in error.errors(include_url=False):
        if problem["type"] == "extra_forbidden" and problem["loc"]:
            loc = tuple(problem["loc"])
            hint = _unknown_field_hint(model, loc)
            if hint:
                hints[loc] = hint
    return InputValidationError.from_pydantic(error, hints=hints)


def _unknown_field_hint(model: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """`did you mean 'external_id'?` for `loc`'s last name, looked up in the model that
    `loc`'s leading names lead to (nested models, lists and optionals followed)."""
    owner: type[BaseModel] | None = model
    for part in loc[:-1]:
        if owner is None:
            return None
        if isinstance(part, int):
            continue
        field = owner.model_fields.get(str(part)) or next(
            (f for f in owner.model_fields.values() if f.alias == part), None
        )
        owner = _model_in(field.annotation) if field is not None else None
    if owner is None:
        return None
    name = str(loc[-1])
    spellings = {field_name: field_name for field_name in owner.model_fields}
    spellings.update({f.alias: n for n, f in owner.model_fields.items() if f.alias})
    close = difflib.get_close_matches(name, list(spellings), n=1, cutoff=0.6)
    if close:
        return f"did you mean {spellings[close[0]]!r}?"
    hints: dict[str, str] = getattr(owner, "unknown_field_hints", {})
    return next((hint for prefix, hint in hints.items() if name.startswith(prefix)), None)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside `Model | None`, `list[Model]` and the like, if there is one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType, list, tuple, set, frozenset) or get_args(
        annotation
    ):
        for argument in get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None


def validate_input(model: type[M], value: Any) -> M:
    """`model` built from a model instance, a mapping or keyword data, or a clear error.

    Raises:
        InputValidationError: with every problem pydantic found, before anything is sent.
        RequestValidationError: a value the JSON body would lose (NaN, bytes, sets).
    """
    if isinstance(value, model):
        return value
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=False, exclude_unset=True)
    try:
        validated = model.model_validate(value)
    except pydantic.ValidationError as exc:
        raise _input_error(model, exc) from None
    _check_sendable(validated)
    return validated


def validate_inputs(model: type[M], values: list[Any]) -> list[M]:
    """`validate_input` for every value, the whole list in one pydantic-core pass and one
    check of what the JSON dump would lose (`check_values`); where any value fails, each is
    validated on its own, so the error raised is the first failing value's, exactly as
    `validate_input` gives."""
    adapter = _list_adapter(model)
    try:
        validated: list[M] = adapter.validate_python(values)
        check_values(adapter.dump_python(validated), field=model.__name__)
        adapter.dump_python(validated, mode="json")
    except (
        pydantic.ValidationError,
        RequestValidationError,
        pydantic_core.PydanticSerializationError,
    ):
        return [validate_input(model, value) for value in values]
    return validated


@functools.cache
def _list_adapter(model: type[M]) -> pydantic.TypeAdapter[list[M]]:
    items: Any = types.GenericAlias(list, (model,))  # list[model], built at run time
    return pydantic.TypeAdapter(items)


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
