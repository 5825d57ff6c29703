"""The snippet collector reads pages as a reader sees them and names lines when it refuses."""

from __future__ import annotations

import contextlib
import io
import traceback
from pathlib import Path

import pytest

from .test_snippets import Pages, read_blocks


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_blocks_know_their_line_language_marker_and_output(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# T\n\n```bash\nls\n```\n\n"
        '<!-- test="skip" reason="real credentials" -->\n```python\nx = 1\n```\n\n'
        "```python\nprint(2)\n#> 2\n```\n",
    )
    bash, skipped, checked = read_blocks(path)
    assert (bash.language, bash.line) == ("bash", 4)
    assert skipped.settings == {"test": "skip", "reason": "real credentials"}
    assert str(skipped) == f"{path}:9"
    assert checked.settings == {} and checked.expected_output == "2\n"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("```python\nx = 1\n", ":1: code block never closed"),
        ('```python test="skip"\nx\n```\n', ":1: say only the language after ```"),
        ('<!-- test="skip" reason="r" -->\n\n```python\nx\n```\n', ":2: the marker above must"),
    ],
)
def test_markup_mistakes_name_the_line(tmp_path: Path, text: str, error: str) -> None:
    with pytest.raises(AssertionError, match=error):
        read_blocks(write(tmp_path, text))


def test_a_failing_block_names_its_markdown_line_in_the_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "# T\n\n```python\nx = 1\nundefined_name\n```\n")
    (block,) = read_blocks(path)
    with pytest.raises(NameError) as caught:
        Pages({path: [block]}).run(block)
    frames = traceback.extract_tb(caught.value.__traceback__)
    assert (frames[-1].filename, frames[-1].lineno) == (str(path), 5)
    assert f"in the code block at {path}:4" in caught.value.__notes__


def test_a_block_selected_alone_runs_the_blocks_above_it_first(tmp_path: Path) -> None:
    path = write(tmp_path, "```python\nx = 2\n```\n\n```python\nprint(x * 21)\n#> 42\n```\n")
    blocks = read_blocks(path)
    with contextlib.redirect_stdout(io.StringIO()):
        assert Pages({path: blocks}).run(blocks[1]) == "42\n"


def test_top_level_await_runs(tmp_path: Path) -> None:
    path = write(tmp_path, "```python\nimport asyncio\nawait asyncio.sleep(0)\nprint('ok')\n```\n")
    (block,) = read_blocks(path)
    assert Pages({path: [block]}).run(block) == "ok\n"
