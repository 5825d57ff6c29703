"""Rendering and parsing SpiceCSM's web-call XML with lxml, safely.

Parsing refuses, in the parser itself, any DTD (so no entity of any kind: no external entities,
no billion laughs, no quadratic blowup) and any encoding but UTF-8 or ASCII (so no DTD hidden
in UTF-7 or UTF-16); it never touches the network and limits nesting depth (libxml2's default).
It reads the account XML's attribute values percent-decoded (the document shows them encoded)
and the case XML's as plain text (the document shows it plain).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..core._errors import RequestValidationError
from ..core._extras import require_extra
from ._encoding import percent_decode, percent_encode
from ._models import (
    AccountData,
    AccountUser,
    CaseTicket,
    Contact,
    UserSummary,
)

__all__ = [
    "XMLError",
    "parse_case_xml",
    "parse_userdata",
    "parse_users",
    "render_case_xml",
    "render_userdata",
    "render_users",
]

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class XMLError(RequestValidationError):
    """XML that is malformed, carries a DTD, or is not of the expected structure."""


def _etree() -> Any:
    require_extra("spicecsm", "lxml", feature="SpiceCSM web-call XML")
    from lxml import etree

    return etree


def _parser() -> Any:
    etree = _etree()
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


_ENCODINGS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
_FOREIGN_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")  # UTF-16 LE/BE, UTF-32


class _RefuseDoctype:
    """A parser target that stops at the first document type declaration: libxml2 reports
    it (whatever the document's encoding) before reading any entity declaration in it."""

    def doctype(self, name: Any, public_id: Any, system_id: Any) -> None:
        raise XMLError("XML with a DTD (document type or entity declarations) is refused")

    def start(self, tag: Any, attrib: Any) -> None:
        pass

    def end(self, tag: Any) -> None:
        pass

    def data(self, data: Any) -> None:
        pass

    def close(self) -> None:
        return None


def _parse(data: str | bytes, root: str) -> Any:
    """`data` parsed by lxml, refusing any DTD (so no entity of any kind), any declared
    encoding but UTF-8 or ASCII, and so any byte order mark but UTF-8's."""
    etree = _etree()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if raw.startswith(_FOREIGN_BOMS):
        raise XMLError(
            "XML must be UTF-8 (or ASCII); a UTF-16 or UTF-32 byte order mark is refused"
        )
    try:
        etree.fromstring(
            raw,
            parser=etree.XMLParser(
                target=_RefuseDoctype(), resolve_entities=False, no_network=True, load_dtd=False
            ),
        )
        tree = etree.fromstring(raw, parser=_parser())
    except XMLError:
        raise
    except (etree.XMLSyntaxError, ValueError, LookupError) as exc:
        raise XMLError(f"malformed XML: {_first_line(exc)}") from None
    info = tree.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise XMLError("XML with a DTD (document type or entity declarations) is refused")
    encoding = (info.encoding or "UTF-8").lower()
    if encoding not in _ENCODINGS:
        raise XMLError(f"XML must be UTF-8 (or ASCII), not {info.encoding}")
    if tree.tag != root:
        raise XMLError(f"expected a <{root}> document, got <{tree.tag}>")
    return tree


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _attributes(element: Any, *, strict: bool = True, decode: bool = True) -> dict[str, str]:
    values = {}
    for key, value in element.attrib.items():
        if not decode:
            values[str(key)] = str(value)
            continue
        try:
            values[str(key)] = percent_decode(str(value))
        except ValueError as exc:
            if strict:
                raise XMLError(f"<{element.tag} {key}>: {exc}") from None
            values[str(key)] = str(value)  # SpiceCSM's own case text may hold a bare `%`
    return values


def _element(parent: Any, tag: str, values: Mapping[str, Any], *, encode: bool = True) -> Any:
    element = _etree().SubElement(parent, tag)
    for key, value in values.items():
        if value is not None:
            element.set(key, percent_encode(str(value)) if encode else str(value))
    return element


def _serialise(root: Any) -> bytes:
    body: bytes = _etree().tostring(root, encoding="UTF-8", xml_declaration=False)
    return _DECLARATION + body


def _dump(model: Any) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(exclude_none=True)
    return data


def render_users(users: Iterable[UserSummary | Mapping[str, Any]]) -> bytes:
    """The search answer: `<users>` with one `<user .../>` per account (none: `<users/>`)."""
    root = _etree().Element("users")
    for user in users:
        model = user if isinstance(user, UserSummary) else UserSummary.model_validate(user)
        _element(root, "user", _dump(model))
    return _serialise(root)


def parse_users(data: str | bytes) -> list[UserSummary]:
    """A search answer's users."""
    root = _parse(data, "users")
    users = []
    for child in root:
        if child.tag != "user":
            raise XMLError(f"<users> holds only <user/> elements, not <{child.tag}>")
        users.append(UserSummary.model_validate(_attributes(child)))
    return users


def render_userdata(account: AccountData | None) -> bytes:
    """The load answer (and account update): `<userdata>` with `<user/>`, `<contacts>` and
    `<fielddata>`; `None` gives an empty `<userdata/>`."""
    root = _etree().Element("userdata")
    if account is not None:
        _element(root, "user", {**_dump(account.user), "password": account.user.password or ""})
        contacts = _etree().SubElement(root, "contacts")
        for contact in account.contacts:
            _element(contacts, "contact", _dump(contact))
        fields = _etree().SubElement(root, "fielddata")
        for field_id, value in account.fields.items():
            _element(fields, "field", {"id": field_id, "value": value})
    return _serialise(root)


def parse_userdata(data: str | bytes) -> AccountData | None:
    """A `<userdata>` document (load answer or `userXML`); `None` when it is empty."""
    root = _parse(data, "userdata")
    user = root.find("user")
    if user is None:
        if len(root):
            raise XMLError("<userdata> needs a <user/> element")
        return None
    contacts = [Contact.model_validate(_attributes(c)) for c in root.iterfind("contacts/contact")]
    fields: dict[str, str] = {}
    for field in root.iterfind("fielddata/field"):
        attributes = _attributes(field)
        if "id" not in attributes:
            raise XMLError("<field/> needs an id")
        fields[attributes["id"]] = attributes.get("value", "")
    return AccountData(
        user=AccountUser.model_validate(_attributes(user)), contacts=contacts, fields=fields
    )


def render_case_xml(tickets: Iterable[CaseTicket], *, percent_encoded: bool = False) -> bytes:
    """`<tickets>` with one `<ticket/>` per response (for tests and tools), attribute values as
    plain text as in the document's `caseXML` example (`percent_encoded=True` encodes them)."""
    root = _etree().Element("tickets")
    for ticket in tickets:
        values = ticket.model_dump(exclude_none=True, exclude={"date", "date_raw"})
        if ticket.date_raw is not None:
            values["date"] = ticket.date_raw
        _element(root, "ticket", values, encode=percent_encoded)
    return _serialise(root)


def parse_case_xml(data: str | bytes, *, percent_decoded: bool = False) -> list[CaseTicket]:
    """The tickets of a `caseXML` document.

    The document's `caseXML` example carries plain text (`journal="13:28:41 - adding a
    second ticket …"`, `date="1/27/06 1:27:51 PM"`), unlike the account XML whose values it
    shows percent-encoded; so attribute values are read as they are, and `%41` stays `%41`.
    `percent_decoded=True` decodes them for an installation known to encode them (values
    that are not valid escapes are then kept as sent).
    """
    root = _parse(data, "tickets")
    return [
        CaseTicket.model_validate(_attributes(t, strict=False, decode=percent_decoded))
        for t in root
        if t.tag == "ticket"
    ]
