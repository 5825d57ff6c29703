"""SpiceCSM: the web calls it makes to you (`WebCallApp`), its JSON-RPC API
(`SpiceCSMClient`) and the telephony screen pop (`telephony_pop_url`)."""

from ._client import (
    AsyncSpiceCSMClient,
    SpiceAPIError,
    SpiceAuthenticationError,
    SpiceCSMClient,
    normalise_rows,
)
from ._encoding import percent_decode, percent_encode
from ._forms import (
    parse_account_update_form,
    parse_case_update_form,
    parse_load_form,
    parse_search_form,
)
from ._models import (
    AccountData,
    AccountRow,
    AccountUser,
    AgentRow,
    APIObject,
    CaseRow,
    CaseTicket,
    CaseUpdate,
    CompanyRow,
    Contact,
    ObjectRow,
    Row,
    SearchRequest,
    UserSummary,
)
from ._telephony import telephony_pop_url
from ._webcall import DEFAULT_PATHS, WebCallApp
from ._xml import (
    XMLError,
    parse_case_xml,
    parse_userdata,
    parse_users,
    render_case_xml,
    render_userdata,
    render_users,
)

__all__ = [
    "DEFAULT_PATHS",
    "APIObject",
    "AccountData",
    "AccountRow",
    "AccountUser",
    "AgentRow",
    "AsyncSpiceCSMClient",
    "CaseRow",
    "CaseTicket",
    "CaseUpdate",
    "CompanyRow",
    "Contact",
    "ObjectRow",
    "Row",
    "SearchRequest",
    "SpiceAPIError",
    "SpiceAuthenticationError",
    "SpiceCSMClient",
    "UserSummary",
    "WebCallApp",
    "XMLError",
    "normalise_rows",
    "parse_account_update_form",
    "parse_case_update_form",
    "parse_case_xml",
    "parse_load_form",
    "parse_search_form",
    "parse_userdata",
    "parse_users",
    "percent_decode",
    "percent_encode",
    "render_case_xml",
    "render_userdata",
    "render_users",
    "telephony_pop_url",
]
