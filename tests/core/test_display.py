"""Models display as compact tables in Jupyter and IPython, and never show a secret."""

from __future__ import annotations

from enum import Enum

from IPython.lib.pretty import pretty
from pydantic import SecretStr

from servicehub_sdk.core import ServiceHubModel


class Colour(Enum):
    RED = 1


class Address(ServiceHubModel):
    city: str | None = None
    country: str | None = None


class Account(ServiceHubModel):
    name: str | None = None
    password: SecretStr | None = None
    api_key: str | None = None
    address: Address | None = None
    tags: list[str] | None = None
    colour: Colour | None = None
    note: str | None = None


def account() -> Account:
    return Account.model_validate(
        {
            "name": "Zentral <b>Nord</b> & Co",
            "password": "hunter2-secret",
            "apiKey": "plain-text-key",
            "address": {"city": "Dresden", "country": "DE"},
            "tags": ["a", "b", "c", "d", "e"],
            "colour": 1,
            "sessionToken": "from-the-server",
            "profile": {"authToken": "nested-secret", "plan": "gold"},
        }
    )


def test_html_is_a_table_of_the_fields_that_are_set() -> None:
    shown = account()._repr_html_()
    assert shown.startswith("<table><caption")
    assert "<b>Account</b>" in shown
    assert "<th style='text-align:left'>name</th>" in shown
    assert "<th style='text-align:left'>note</th>" not in shown  # unset
    assert "Address(city=Dresden, country=DE)" in shown
    assert "[a, b, c, … 2 more]" in shown
    assert "<td style='text-align:left'>1</td>" in shown  # the enum's value
    assert "plan" in shown  # unknown fields are shown too


def test_html_escapes_what_the_server_sent() -> None:
    shown = account()._repr_html_()
    assert "Zentral &lt;b&gt;Nord&lt;/b&gt; &amp; Co" in shown
    assert "<b>Nord</b>" not in shown


def test_no_secret_is_ever_displayed() -> None:
    model = account()
    for shown in (model._repr_html_(), pretty(model)):
        for secret in ("hunter2-secret", "plain-text-key", "from-the-server", "nested-secret"):
            assert secret not in shown
        assert shown.count("REDACTED") == 4


def test_ipython_shows_aligned_text() -> None:
    lines = pretty(account()).splitlines()
    assert lines[0] == "Account"
    assert lines[1] == "  " + "name".ljust(len("sessionToken")) + "  Zentral <b>Nord</b> & Co"
    assert "  " + "password".ljust(len("sessionToken")) + "  REDACTED" in lines


def test_long_values_are_cut() -> None:
    shown = pretty(Account(note="x" * 200))
    assert shown.splitlines()[1] == "  note  " + "x" * 79 + "…"


def test_repr_is_one_short_line_without_secrets() -> None:
    model = account()
    text = repr(model)
    assert text.startswith("Account(name='Zentral <b>Nord</b> & Co', password=SecretStr(")
    assert "note=" not in text  # unset
    assert "plain-text-key" not in text and "from-the-server" not in text
    assert "['a', 'b', 'c', … 2 more]" in text
    long = Account.model_validate(
        {"name": "x" * 500, "note": "y" * 500, **{f"extra{i}": "z" * 40 for i in range(30)}}
    )
    assert len(repr(long)) < 300 and "\n" not in repr(long)
    assert repr(long).endswith(", … 28 more)")  # fields past the budget are counted
    assert repr(Account()) == "Account()"
