"""Every Python block of README.md and docs/ runs, against one shared sandbox.

The conventions, as docs/index.md ("Code in these pages") states them for readers:

- a ```` ```python ```` block runs with the `SERVICEHUB_<BACKEND>_*` variables pointing at the
  sandbox, so `Client.from_env()` works as written, in a working directory that holds
  `examples/`. Blocks of one page share their names in page order, like a notebook's cells.
- `#> ` lines show what the block prints; when a block has them, its whole output must be
  exactly those lines.
- ```` ```python test="skip" reason="…" ```` is shown and not run (real credentials, a web
  framework, a placeholder); the reason is required and appears in the test report.

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

from servicehub_sdk.testing import Sandbox

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^(?P<indent> *)```(?P<info>.*)$")
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
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def expected_output(self) -> str | None:
        shown = [
            line.strip()[len(OUTPUT) :] if line.strip() != "#>" else ""
            for line in self.source.splitlines()
            if line.strip().startswith(OUTPUT) or line.strip() == "#>"
        ]
        return "\n".join(shown) + "\n" if shown else None


def read_blocks(path: Path) -> list[Block]:
    """The fenced blocks of a markdown page; an unclosed fence is an error."""
    blocks: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    opened: tuple[int, str, str] | None = None
    body: list[str] = []
    for number, line in enumerate(lines, start=1):
        match = FENCE.match(line)
        if opened is None:
            if match:
                opened, body = (number, match["indent"], match["info"].strip()), []
        elif match and not match["info"].strip():
            start, indent, info = opened
            language = info.split(" ", 1)[0]
            text = "\n".join(b[len(indent) :] if b.startswith(indent) else b for b in body)
            settings = dict(SETTING.findall(info))
            blocks.append(Block(path, start + 1, language, settings, text + "\n"))
            opened = None
        else:
            body.append(line)
    if opened is not None:
        raise AssertionError(f"{path.relative_to(ROOT)}:{opened[0]}: code block never closed")
    return blocks


PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCKS = {page: read_blocks(page) for page in PAGES}
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

    states: dict[Path, PageState] = field(default_factory=dict)

    def run(self, block: Block) -> str:
        blocks = [b for b in BLOCKS[block.path] if b.language == block.language]
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
    return Pages()


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
def test_every_code_block_names_its_language(page: Path) -> None:
    """A fence without a language would be code nobody runs: say `python`, `bash`, `toml`…"""
    bare = [str(b) for b in BLOCKS[page] if not b.language]
    assert not bare, f"code blocks without a language at {', '.join(bare)}"
