"""Reaching behind a journal in tests: raw SQL on its SQLite file or PostgreSQL database."""

from __future__ import annotations

import sqlite3

from servicehub_sdk.integrations import is_postgres_url


def execute(location: str, sql: str) -> None:
    """Run one statement on the journal at `location`."""
    if is_postgres_url(location):
        import psycopg

        with psycopg.connect(location, autocommit=True) as db:
            db.execute(sql)
    else:
        with sqlite3.connect(location) as db:
            db.execute(sql)


def expire_leases(location: str) -> None:
    """Let the journal's leases lapse, as if the lease time had passed."""
    execute(location, "UPDATE links SET lease_until = lease_until - 100000")
