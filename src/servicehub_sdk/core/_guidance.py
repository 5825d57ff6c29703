"""Error messages that point at the mistake: the public class, the closest name, the variable.

Client constructors are keyword-only and implemented on private generic bases
(`_SSHClientBase`); Python's own `TypeError` would name that base and stop there.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["checked_keywords", "environment_hint", "unexpected_keywords"]

_KEYWORD = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def unexpected_keywords(owner: str, unknown: Iterable[str], accepted: Iterable[str]) -> TypeError:
    """`Owner() got an unexpected keyword argument 'x' (did you mean 'y'?)`; without a close
    match for every name, the message lists what the constructor takes."""
    accepted, unknown = list(accepted), list(unknown)
    parts, guessed = [], True
    for name in unknown:
        close = difflib.get_close_matches(name, accepted, n=1, cutoff=0.6)
        parts.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        guessed = guessed and bool(close)
    noun = "argument" if len(unknown) == 1 else "arguments"
    takes = "" if guessed else f"; it takes {', '.join(accepted)}"
    return TypeError(f"{owner}() got an unexpected keyword {noun} {', '.join(parts)}{takes}")


def checked_keywords(init: Callable[..., None]) -> Callable[..., None]:
    """Wrap a keyword-only `__init__` so wrong arguments name the instance's own class."""
    parameters = inspect.signature(init).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return init
    accepted = [name for name, p in parameters.items() if p.kind in _KEYWORD and name != "self"]
    keyword_only = [p.kind for p in parameters.values()] == [
        inspect.Parameter.POSITIONAL_OR_KEYWORD,  # self
        *(inspect.Parameter.KEYWORD_ONLY for _ in accepted),
    ]

    @functools.wraps(init)
    def checked(self: Any, *args: Any, **kwargs: Any) -> None:
        owner = type(self).__name__
        if args and keyword_only:
            raise TypeError(
                f"{owner}() takes keyword arguments only, e.g. {owner}({accepted[0]}=...)"
            )
        unknown = [name for name in kwargs if name not in accepted]
        if unknown:
            raise unexpected_keywords(owner, unknown, accepted)
        init(self, *args, **kwargs)

    return checked


def environment_hint(
    message: str,
    owner: str,
    prefix: str,
    variables: Mapping[str, str],
    found: Iterable[str],
    misspelt: Mapping[str, str | None] | None = None,
) -> str:
    """A configuration error raised by `owner.from_env()`, in terms of environment variables.

    `variables` maps each parameter read from the environment to its variable; the parameter
    names in `message` are replaced by their variables, and the message says what was set,
    naming the misspelt variables (`misspelt`: variable -> the one it probably meant).
    """
    for name, variable in sorted(variables.items(), key=lambda item: -len(item[0])):
        message = re.sub(rf"(?<![\w=]){re.escape(name)}(?![\w=])", variable, message)
    found = sorted(found)
    seen = f"found {', '.join(found)}" if found else f"found no {prefix}* variable set"
    hint = f"{message} — {owner}.from_env() {seen}"
    if misspelt:
        from ._environment import describe_misspelt

        hint += f"; {describe_misspelt(misspelt, owner)}"
    return hint
