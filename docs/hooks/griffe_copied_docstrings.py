"""A griffe extension for the API reference: a class whose body is
`__doc__ = _Base.__doc__` (the sync and async clients share their base's docstring) gets
that docstring, read from the base defined earlier in the same module."""

from __future__ import annotations

from typing import Any

import griffe


class CopiedDocstrings(griffe.Extension):
    """Turn `__doc__ = Name.__doc__` into the class's docstring."""

    def on_class_members(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        assignment = cls.members.get("__doc__")
        if not isinstance(assignment, griffe.Attribute):
            return
        value = str(assignment.value)
        if not value.endswith(".__doc__"):
            return
        source = cls.parent.members.get(value.removesuffix(".__doc__")) if cls.parent else None
        if isinstance(source, griffe.Class) and source.docstring is not None:
            cls.docstring = griffe.Docstring(
                source.docstring.value,
                lineno=source.docstring.lineno,
                parent=cls,
                parser=source.docstring.parser,
                # The clients document related parameters together (`client_id, client_secret:`).
                parser_options={
                    **source.docstring.parser_options,
                    "warn_unknown_params": False,
                    "warn_missing_types": False,
                },
            )
            del cls.members["__doc__"]
