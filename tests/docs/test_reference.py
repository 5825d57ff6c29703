"""The API reference: one page per public package, rendering what the package exports, in a
docs build that fails on any warning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PACKAGES = (
    "core",
    "ssh",
    "fsm",
    "supportcenter",
    "cecenter",
    "spicecsm",
    "integrations",
    "feeds",
    "testing",
)


def test_the_docs_build_fails_on_warnings() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^docs:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "Makefile has no docs target"
    command = recipe.group(1)
    assert "mkdocs build --strict" in command
    # --quiet hides the warnings --strict counts: the build then passes with them.
    assert not re.search(r"\s(--quiet|-q)\b", command)
    assert re.search(r"^strict: true$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)


@pytest.mark.parametrize("package", PACKAGES)
def test_each_public_package_has_a_reference_page_of_its_exports(package: str) -> None:
    page = Path("reference") / f"{package}.md"
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    directive = re.search(rf"^::: servicehub_sdk\.{package}\n((?:    .*\n)+)", text, re.M)
    assert directive, f"docs/{page} does not render servicehub_sdk.{package}"
    options = directive.group(1)
    assert "filters: public" in options  # the names of __all__
    assert "show_if_no_docstring: true" in options  # every one of them
    assert f": {page.as_posix()}\n" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_reference_pages_render_no_internal_module_whole() -> None:
    """Internal modules appear only for the resources a client carries, one class each."""
    for page in sorted((ROOT / "docs" / "reference").glob("*.md")):
        for target in re.findall(r"^::: (\S+)$", page.read_text(encoding="utf-8"), re.M):
            module, _, name = target.rpartition(".")
            if "._" in target:
                assert "._" in module and name[:1].isupper(), f"{page.name}: {target}"
