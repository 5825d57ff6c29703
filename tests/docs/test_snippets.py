"""Every Python block of README.md and docs/ runs, against one shared sandbox.

The conventions, as docs/index.md ("Code in these pages") states them for readers:

- a ```` ```python ```` block runs with the `SERVICEHUB_<BACKEND>_*` variables pointing at the
  sandbox, so `Client.from_env()` works as written, in a working directory that holds
  `examples/`. Blocks of one page share their names in page order, like a notebook's cells.
- `#> ` lines show what the block prints; when a block has them, its whole output must be
  exactly those lines.
- `<!-- test="skip" reason="…" -->` on the line right above a fence: the block is shown and
  not run (real credentials, a web framework, a placeholder); the reason is required and
  appears in the test report. (An HTML comment, so every markdown renderer still shows the
  block; a fence's info string is its language alone.)

Tracebacks and failures name the block by `path:line` of the markdown file itself.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from servicehub_sdk.core import MissingExtraError
from servicehub_sdk.testing import Sandbox

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^(?P<indent> *)```(?P<info>.*)$")
MARKER = re.compile(r"^\s*<!--\s*(?P<settings>test=.*?)\s*-->\s*$")
SETTING = re.compile(r'(\w+)="([^"]*)"')
OUTPUT = "#> "


@dataclass(frozen=True)
class Block:
    """One fenced code block: where it is, its info string and its text."""

    path: Path
    line: int  # of the first line of code
    language: str
    settings: dict[str, str]
    source: str

    def __str__(self) -> str:
        return f"{shown(self.path)}:{self.line}"

    @property
    def expected_output(self) -> str | None:
        shown = [
            line.strip()[len(OUTPUT) :] if line.strip() != "#>" else ""
            for line in self.source.splitlines()
            if line.strip().startswith(OUTPUT) or line.strip() == "#>"
        ]
        return "\n".join(shown) + "\n" if shown else None


def shown(path: Path) -> str:
    """A page's path as the reader finds it: relative to the repository."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def read_blocks(path: Path) -> list[Block]:
    """The fenced blocks of a markdown page, each with the settings of a marker right above.

    Mistakes in the page's markup fail here, naming the line: an unclosed fence, a fence
    whose info string is more than a language, a marker not followed by a fence.
    """
    blocks: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    opened: tuple[int, str, str] | None = None
    body: list[str] = []
    marker: tuple[int, dict[str, str]] | None = None
    for number, line in enumerate(lines, start=1):
        at = f"{shown(path)}:{number}"
        match = FENCE.match(line)
        if opened is None:
            if match:
                info = match["info"].strip()
                if len(info.split()) > 1:
                    raise AssertionError(f"{at}: say only the language after ``` (got {info!r})")
                opened, body = (number, match["indent"], info), []
            elif marker is not None:
                raise AssertionError(f"{at}: the marker above must be right above a ``` fence")
            if MARKER.match(line):
                marker = (number, dict(SETTING.findall(line)))
                continue
        elif match and not match["info"].strip():
            start, indent, language = opened
            text = "\n".join(b[len(indent) :] if b.startswith(indent) else b for b in body)
            settings = marker[1] if marker is not None and marker[0] == start - 1 else {}
            blocks.append(Block(path, start + 1, language, settings, text + "\n"))
            opened = marker = None
        else:
            body.append(line)
    if opened is not None or marker is not None:
        line = opened[0] if opened is not None else marker[0]  # type: ignore[index]
        raise AssertionError(f"{shown(path)}:{line}: code block never closed")
    return blocks


PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCKS: dict[Path, list[Block]] = {}
MARKUP_ERRORS: dict[Path, str] = {}
for page in PAGES:
    try:
        BLOCKS[page] = read_blocks(page)
    except AssertionError as error:  # reported by test_page_markup, naming the line
        BLOCKS[page], MARKUP_ERRORS[page] = [], str(error)
PYTHON = [b for blocks in BLOCKS.values() for b in blocks if b.language in ("python", "py")]


def skip_reason(block: Block) -> str | None:
    mode = block.settings.get("test")
    if mode is None:
        return None
    if mode != "skip":
        pytest.fail(f'{block}: unknown test="{mode}"; the one known mode is test="skip"')
    reason = block.settings.get("reason", "").strip()
    if not reason:
        pytest.fail(f'{block}: test="skip" needs reason="why it cannot run"')
    return reason


def execute(block: Block, namespace: dict[str, Any]) -> str:
    """Run the block in `namespace`; returns what it printed. Top-level `await` is allowed."""
    padded = "\n" * (block.line - 1) + block.source  # tracebacks show the markdown's lines
    code = compile(padded, str(block.path), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = eval(code, namespace)
        if asyncio.iscoroutine(result):
            asyncio.run(result)
    return printed.getvalue()


@dataclass
class PageState:
    namespace: dict[str, Any] = field(default_factory=lambda: {"__name__": "__main__"})
    next_block: int = 0


@dataclass
class Pages:
    """What each page's blocks defined so far, so a block sees its predecessors' names."""

    pages: dict[Path, list[Block]]
    states: dict[Path, PageState] = field(default_factory=dict)

    def run(self, block: Block) -> str:
        blocks = [b for b in self.pages[block.path] if b.language == block.language]
        index = blocks.index(block)
        state = self.states.get(block.path)
        if state is None or state.next_block > index:
            state = self.states[block.path] = PageState()
        for earlier in blocks[state.next_block : index]:  # when a block is selected alone
            if skip_reason(earlier) is None:
                try:
                    execute(earlier, state.namespace)
                except Exception as exc:
                    pytest.fail(f"{block} needs {earlier}, which fails: {exc!r}")
        state.next_block = index  # if this block fails, the next one re-runs it and says so
        try:
            printed = execute(block, state.namespace)
        except MissingExtraError as exc:  # an optional extra this environment leaves out
            pytest.skip(f"{block}: {exc}")
        except Exception as exc:
            exc.add_note(f"in the code block at {block}")
            raise
        state.next_block = index + 1
        return printed


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def pages() -> Pages:
    return Pages(BLOCKS)


@pytest.fixture
def sandbox_env(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """The sandbox's settings in the environment; a working directory holding `examples/`."""
    for name, value in sandbox.environ().items():
        monkeypatch.setenv(name, value)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    return sandbox


@pytest.mark.parametrize("block", PYTHON, ids=str)
def test_code_block_runs(block: Block, sandbox_env: Sandbox, pages: Pages) -> None:
    reason = skip_reason(block)
    if reason is not None:
        pytest.skip(f"{block}: {reason}")
    printed = pages.run(block)
    expected = block.expected_output
    if expected is not None and printed != expected:
        pytest.fail(
            f"{block}: the block printed\n{printed}but the page shows (#> lines)\n{expected}",
            pytrace=False,
        )


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_page_markup(page: Path) -> None:
    """Fences close, markers sit on fences, and every fence names its language (`python`,
    `bash`, `toml`, `text`…): a block without one would be code nobody runs."""
    assert page not in MARKUP_ERRORS, MARKUP_ERRORS[page]
    bare = [str(b) for b in BLOCKS[page] if not b.language]
    assert not bare, f"code blocks without a language at {', '.join(bare)}"
