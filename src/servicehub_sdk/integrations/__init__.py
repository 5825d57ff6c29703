"""Integrations built on the clients: ERP master data into Secure Service Hub, and service
cases linked to help-desk tickets, safe to re-run.

```python
from servicehub_sdk.helpdesk import HelpDesk
from servicehub_sdk.integrations import link_service_cases, sync_master_data

report = sync_master_data(hub, ["customers.csv", "machine_models.csv", "customer_machines.csv"])
links = link_service_cases(hub, HelpDesk(scp), journal="links.sqlite3")
# runs on several hosts share a PostgreSQL journal:
# link_service_cases(hub, desk, journal="postgresql://sync@db.example/servicehub")
# keep linked tickets in step with their cases (state, title, priority, closing report):
# link_service_cases(hub, HelpDesk(scp), journal="links.sqlite3", feed="cases")
```
"""

from ..core._errors import InputFileError
from ._follow import ticket_fields, ticket_fingerprint
from ._journal import (
    DEFAULT_LEASE_SECONDS,
    SCHEMA_VERSION,
    AsyncJournal,
    Claim,
    Journal,
    JournalEntry,
    JournalVersionError,
    is_postgres_url,
    open_journal,
    open_journal_async,
)
from ._journal_postgres import AsyncPostgresJournal, PostgresJournal
from ._journal_sqlite import AsyncSQLiteJournal, LinkJournal, SQLiteJournal
from ._link_cases import link_service_cases, link_service_cases_async
from ._mapping import DEFAULT_COLUMNS, ExportMapping, MappingError
from ._master_data import sync_master_data, sync_master_data_async
from ._reader import MasterDataReader
from ._records import MasterData, load_master_data
from ._report import RecordResult, SyncReport
from ._shards import Shard
from ._targets import DeskTarget, TicketSearch, TicketTarget, marker

__all__ = [
    "DEFAULT_COLUMNS",
    "DEFAULT_LEASE_SECONDS",
    "SCHEMA_VERSION",
    "AsyncJournal",
    "AsyncPostgresJournal",
    "AsyncSQLiteJournal",
    "Claim",
    "DeskTarget",
    "ExportMapping",
    "InputFileError",
    "Journal",
    "JournalEntry",
    "JournalVersionError",
    "LinkJournal",
    "MappingError",
    "MasterData",
    "MasterDataReader",
    "PostgresJournal",
    "RecordResult",
    "SQLiteJournal",
    "Shard",
    "SyncReport",
    "TicketSearch",
    "TicketTarget",
    "is_postgres_url",
    "link_service_cases",
    "link_service_cases_async",
    "load_master_data",
    "marker",
    "open_journal",
    "open_journal_async",
    "sync_master_data",
    "sync_master_data_async",
    "ticket_fields",
    "ticket_fingerprint",
]
