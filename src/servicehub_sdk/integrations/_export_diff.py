"""ERP-side changes: an export compared with the previous one, by per-record fingerprints.

With `export_state=`, a master-data sync keeps a fingerprint of every record of the export it
synced (in the change feeds' store: `change_feed_items`, under the feed name
`master-data-export/<export_name>`; one database may hold the link journal, the feeds and
these). The next run sends only the records that are new or changed in the export since, and
reports the records gone from the export. The hub is read only when there is something to
send; when nothing changed, the run sends no request at all.

Fingerprints are stored after the run, only for records the hub accepted (created, updated,
or found as they should be): a record that failed, or a run that stopped before the end,
leaves the previous fingerprints, so the next run sends those records again, and the sync
(which decides from the hub's state, by external ID) writes nothing twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ..core._changes import fingerprint_of
from ..feeds._store import AsyncFeedStore, AsyncState, FeedStore, State
from ._journal_sql import SQLStatements, Statements
from ._records import KINDS, MasterData
from ._report import RecordResult, SyncReport

__all__ = [
    "DEFAULT_EXPORT_NAME",
    "AsyncExportState",
    "ExportDiff",
    "ExportState",
    "compare_export",
    "sync_export_changes",
    "sync_export_changes_async",
]

DEFAULT_EXPORT_NAME = "master-data"
"""The name the fingerprints are kept under when `export_name=` is not given."""

ExportState = State
"""What `sync_master_data(export_state=...)` takes: what `journal=` takes."""

AsyncExportState = AsyncState
"""What `sync_master_data_async(export_state=...)` takes."""

RECORD_KIND = {
    "machine_models": "machine_model",
    "customers": "customer",
    "customer_machines": "customer_machine",
}
UNCHANGED_NOTE = "unchanged in the export since the previous run; not sent"
GONE_NOTE = "in the previous export, not in this one; left in the hub as it is"


def _feed(name: str) -> str:
    return f"master-data-export/{name}"


def _external_id(row: dict[str, Any]) -> str | None:
    value = row.get("external_id") or row.get("externalId")
    return str(value) if value else None


@dataclass
class ExportDiff:
    """An export against the fingerprints of the previous one.

    Attributes:
        changed: the records new or changed since the previous export (and those without
            an external ID, which the sync reports): what the run sends.
        fingerprints: `kind:external_id` -> fingerprint of each changed record.
        unchanged: report rows of the records the export has as before (not sent).
        gone: report rows (action `gone`) of records of the previous export that this one
            lacks, for the kinds this export has records of.
    """

    changed: MasterData = field(default_factory=MasterData)
    fingerprints: dict[str, str] = field(default_factory=dict)
    unchanged: list[RecordResult] = field(default_factory=list)
    gone: list[RecordResult] = field(default_factory=list)

    def report(self, synced: SyncReport) -> SyncReport:
        """The whole run's report: the sync's rows, then the unchanged, then the gone."""
        return SyncReport(
            dry_run=synced.dry_run, results=[*synced.results, *self.unchanged, *self.gone]
        )

    def settled(self, synced: SyncReport) -> tuple[dict[str, str], list[str]]:
        """What to store after the sync: the fingerprints of the changed records the hub
        accepted, and the ids of the gone records to forget."""
        accepted = {
            f"{r.kind}:{r.key}"
            for r in synced.results
            if r.action in ("created", "updated", "unchanged")
        }
        remember = {k: v for k, v in self.fingerprints.items() if k in accepted}
        forget = [f"{r.kind}:{r.key}" for r in self.gone]
        return remember, forget


def compare_export(
    data: MasterData, known: dict[str, str], default_organisation: str | None = None
) -> ExportDiff:
    """The changes `data` shows against the fingerprints `known` of the previous export.

    A record's fingerprint covers every field the export gives it (after the mapping) and,
    for customers, the default service organisation the run was given.
    """
    diff = ExportDiff()
    seen: set[str] = set()
    for kind in KINDS:
        rows: list[dict[str, Any]] = getattr(data, kind)
        record_kind = RECORD_KIND[kind]
        ids = [_external_id(row) for row in rows]
        repeated = {i for i, n in Counter(ids).items() if n > 1}
        for row, external_id in zip(rows, ids, strict=True):
            item_id = f"{record_kind}:{external_id}"
            seen.add(item_id)
            default = default_organisation if record_kind == "customer" else None
            fingerprint = fingerprint_of([row, default])
            if external_id is None or external_id in repeated:
                getattr(diff.changed, kind).append(row)  # the sync reports it as it does today
            elif known.get(item_id) == fingerprint:
                diff.unchanged.append(
                    RecordResult(
                        kind=record_kind, key=external_id, action="unchanged", reason=UNCHANGED_NOTE
                    )
                )
            else:
                getattr(diff.changed, kind).append(row)
                diff.fingerprints[item_id] = fingerprint
    exported = {RECORD_KIND[kind] for kind in KINDS if getattr(data, kind)}
    for item_id in sorted(set(known) - seen):
        record_kind, _, external_id = item_id.partition(":")
        if record_kind in exported:
            diff.gone.append(
                RecordResult(kind=record_kind, key=external_id, action="gone", reason=GONE_NOTE)
            )
    return diff


class ExportSQL(SQLStatements):
    """The statements that read and store an export's fingerprints."""

    def known(self, name: str) -> Statements[dict[str, str]]:
        rows = yield self._sql(
            "SELECT item_id, fingerprint FROM change_feed_items WHERE feed = ?",
            (_feed(name),),
            fetch="all",
        )
        return {str(item_id): str(fingerprint) for item_id, fingerprint in rows}

    def store(self, name: str, remember: dict[str, str], forget: list[str]) -> Statements[None]:
        """In one transaction: `remember` the fingerprints, `forget` the ids."""
        return self._transaction(self._store(_feed(name), remember, forget))

    def _store(self, feed: str, remember: dict[str, str], forget: list[str]) -> Statements[None]:
        for item_id, fingerprint in remember.items():
            yield self._sql(
                "INSERT INTO change_feed_items (feed, item_id, fingerprint) VALUES (?, ?, ?) "
                "ON CONFLICT (feed, item_id) DO UPDATE SET fingerprint = excluded.fingerprint",
                (feed, item_id, fingerprint),
            )
        for item_id in forget:
            yield self._sql(
                "DELETE FROM change_feed_items WHERE feed = ? AND item_id = ?", (feed, item_id)
            )


def sync_export_changes(
    state: State,
    name: str,
    data: MasterData,
    *,
    dry_run: bool,
    default_organisation: str | None,
    sync: Callable[[MasterData], SyncReport],
) -> SyncReport:
    """Run `sync` over the records of `data` that changed since the export stored in
    `state` under `name`, then store the fingerprints of those the hub accepted (not in a
    dry run)."""
    store = FeedStore.open(state)
    try:
        statements = ExportSQL(store.sql.dialect)
        diff = compare_export(data, store.run(statements.known(name)), default_organisation)
        synced = sync(diff.changed) if len(diff.changed) else SyncReport(dry_run=dry_run)
        if not dry_run:
            store.run(statements.store(name, *diff.settled(synced)))
        return diff.report(synced)
    finally:
        if store is not state:
            store.close()


async def sync_export_changes_async(
    state: AsyncState,
    name: str,
    data: MasterData,
    *,
    dry_run: bool,
    default_organisation: str | None,
    sync: Callable[[MasterData], Awaitable[SyncReport]],
) -> SyncReport:
    """`sync_export_changes` over an `AsyncFeedStore`."""
    store = await AsyncFeedStore.open(state)
    try:
        statements = ExportSQL(store.sql.dialect)
        known = await store.run(statements.known(name))
        diff = compare_export(data, known, default_organisation)
        synced = await sync(diff.changed) if len(diff.changed) else SyncReport(dry_run=dry_run)
        if not dry_run:
            await store.run(statements.store(name, *diff.settled(synced)))
        return diff.report(synced)
    finally:
        if store is not state:
            await store.close()
