"""Reading the form variables SpiceCSM posts to a web call, for any web framework."""

from __future__ import annotations

from collections.abc import Mapping

from ._models import AccountData, CaseUpdate, SearchRequest
from ._xml import XMLError, parse_case_xml, parse_userdata

__all__ = [
    "CREDENTIAL_VARIABLES",
    "SEARCH_VARIABLES",
    "parse_account_update_form",
    "parse_case_update_form",
    "parse_cust_fields",
    "parse_load_form",
    "parse_search_form",
]

# Form variable -> SearchRequest field. The document spells two variables `SecondayPhone` and
# `Modile`; its flattened table (name, type, description run together) also reads as
# `ModileString`. The corrected spellings are accepted too.
SEARCH_VARIABLES: dict[str, str] = {
    "Userkey": "userkey",
    "FirstName": "first_name",
    "LastName": "last_name",
    "AddressOne": "address_one",
    "AddressTwo": "address_two",
    "City": "city",
    "Region": "region",
    "PostalCode": "postal_code",
    "Country": "country",
    "PrimaryPhone": "primary_phone",
    "SecondayPhone": "secondary_phone",
    "SecondaryPhone": "secondary_phone",
    "PrimaryEmail": "primary_email",
    "SecondaryEmail": "secondary_email",
    "Fax": "fax",
    "Modile": "mobile",
    "ModileString": "mobile",
    "Mobile": "mobile",
    "Password": "password",
    "Status": "status",
    "AccountID": "account_id",
}


def parse_cust_fields(value: str) -> dict[str, str]:
    """`CustFields`: a comma-delimited list of `ID\\value` pairs → `{ID: value}`."""
    fields: dict[str, str] = {}
    for pair in value.split(","):
        if not pair.strip():
            continue
        field_id, sep, field_value = pair.partition("\\")
        if not sep or not field_id.strip():
            raise XMLError(f"CustFields pair {pair!r} is not of the form ID\\value")
        fields[field_id.strip()] = field_value
    return fields


CREDENTIAL_VARIABLES = frozenset({"intUser", "intPass"})


def parse_search_form(form: Mapping[str, str]) -> SearchRequest:
    """The search variables of a posted form (`intUser`/`intPass` left out). Variables the
    document does not list are kept under their posted names as extra fields
    (`request.model_extra`), so nothing SpiceCSM sends is dropped."""
    data: dict[str, object] = {}
    for variable, value in form.items():
        if not value or variable in CREDENTIAL_VARIABLES or variable == "CustFields":
            continue
        field = SEARCH_VARIABLES.get(variable)
        if field is None:
            if variable not in SearchRequest.model_fields:
                data[variable] = value
        elif not data.get(field):
            data[field] = value
    if form.get("CustFields"):
        data["cust_fields"] = parse_cust_fields(form["CustFields"])
    return SearchRequest.model_validate(data)


def parse_load_form(form: Mapping[str, str]) -> str:
    """The `Userkey` of an account load."""
    userkey = form.get("Userkey", "")
    if not userkey:
        raise XMLError("an account load needs Userkey")
    return userkey


def parse_account_update_form(form: Mapping[str, str]) -> AccountData:
    """The account of an account update (`userXML`)."""
    account = parse_userdata(form.get("userXML", ""))
    if account is None:
        raise XMLError("userXML holds no <user/>")
    return account


def parse_case_update_form(form: Mapping[str, str]) -> CaseUpdate:
    """The case update (`Userkey` and `caseXML`)."""
    if not form.get("caseXML"):
        raise XMLError("a case update needs caseXML")
    return CaseUpdate(userkey=form.get("Userkey", ""), tickets=parse_case_xml(form["caseXML"]))
