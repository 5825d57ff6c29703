"""What the operators push as XCom: a JSON-serialisable summary of a `SyncReport`."""

from __future__ import annotations

from typing import Any

from ...integrations import SyncReport

__all__ = ["MAX_FAILED_ROWS", "finish", "summarize"]

MAX_FAILED_ROWS = 100
"""Failed rows kept in a summary (XCom values are meant to be small); `failed_count` says how
many there were."""


def summarize(report: SyncReport, **context: Any) -> dict[str, Any]:
    """`{"dry_run", "counts", "total", "failed_count", "failed": [{kind, key, reason}]}` and
    `context` (the shard, the journal...)."""
    return {
        **context,
        "dry_run": report.dry_run,
        "counts": report.counts,
        "total": len(report.results),
        "failed_count": len(report.failed),
        "failed": [
            {"kind": r.kind, "key": r.key, "reason": r.reason}
            for r in report.failed[:MAX_FAILED_ROWS]
        ],
    }


def finish(context: Any, summary: dict[str, Any], *, fail_on_failed: bool) -> dict[str, Any]:
    """The summary to return; when records failed and `fail_on_failed`, it is pushed as the
    task's XCom all the same and the task fails, naming the first reasons."""
    if not (fail_on_failed and summary["failed_count"]):
        return summary
    from airflow.exceptions import AirflowException

    context["ti"].xcom_push(key="return_value", value=summary)
    reasons = "; ".join(f"{f['key']}: {f['reason']}" for f in summary["failed"][:5])
    raise AirflowException(f"{summary['failed_count']} of {summary['total']} failed ({reasons})")
