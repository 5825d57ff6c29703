"""`UpdatedSince`: asks the server from `since - overlap`, passes each change on once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from servicehub_sdk.helpdesk import UpdatedSince

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_asks_with_the_overlap_and_drops_what_was_passed_on() -> None:
    cursor = UpdatedSince(T0, overlap=timedelta(minutes=2))
    assert cursor.ask_from() == T0 - timedelta(minutes=2)
    assert cursor.admit("a", T0 + timedelta(seconds=5))
    assert not cursor.admit("a", T0 + timedelta(seconds=5))  # a page sent twice
    assert cursor.admit("a", T0 + timedelta(seconds=9))  # changed again
    assert not cursor.admit("b", T0 - timedelta(minutes=3))  # before the window


def test_the_next_poll_repeats_nothing_and_misses_late_writes() -> None:
    cursor = UpdatedSince(T0, overlap=timedelta(minutes=1))
    newest = T0 + timedelta(minutes=10)
    assert cursor.admit("a", newest)
    following = cursor.advanced()
    assert following.since == newest
    assert not following.admit("a", newest)  # seen in the previous poll
    late = newest - timedelta(seconds=30)  # written late, inside the overlap
    assert following.admit("b", late)


def test_naive_times_are_utc_and_negative_overlaps_refused() -> None:
    assert UpdatedSince(datetime(2026, 1, 1)).since.tzinfo is UTC
    with pytest.raises(ValueError):
        UpdatedSince(T0, overlap=timedelta(seconds=-1))
