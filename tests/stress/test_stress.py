"""Short, bounded runs of the stress scenarios; the long ones: `python -m tests.stress.writers --long` (or crashes)."""

import sqlite3

import pytest

import crashes
import writers


@pytest.mark.slow
def test_concurrent_writers_lose_nothing():
    figures = writers.run(workers=3, clients=4, seconds=5.0)
    # Enough concurrent writes to overlap, on a loaded 2-core machine too; speed is bench/'s, not this test's.
    assert figures["acknowledged_creates"] > 20, figures
    assert (figures["lost"], figures["duplicated"], figures["unexpected"], figures["wrong_final"]) == ([], [], [], {})
    assert (figures["failure_count"], figures["database_locked"]) == (0, 0), figures["failures"]
    assert figures["stored_events"] == figures["acknowledged_creates"]
    assert figures["integrity"] == [("ok",)] and figures["foreign_key_violations"] == []
    assert figures["feed_status"] == 200 and figures["feed_matches"]
    backup = figures["backup"]
    assert (backup["integrity"], backup["unaudited"], backup["unlinked"]) == ([("ok",)], 0, 0)
    assert 0 < backup["events"] <= figures["stored_events"]


@pytest.mark.slow
def test_sigkill_during_bulk_writes_and_imports_corrupts_nothing():
    figures = crashes.run(kills=8)
    assert figures["problems"] == []
    assert figures["killed_by_sigkill"] == 8
    assert figures["rows_after"]["imported_batches"] > 0 and figures["rows_after"]["agreements"] > 0


def test_crash_check_sees_half_written_data(tmp_path):
    """The checker is not vacuous: orphaned parties, a partial import and a lost audit row are all reported."""
    database = str(tmp_path / "crash.sqlite3")
    crashes.prepare(database)
    conn = sqlite3.connect(database)
    conn.executescript("""
        insert into agreements (slug, title, kind, created_at, updated_at, search_text)
            values ('nua-chung', 'Nửa chừng', 'regulation', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '');
        insert into events (uid, title, kind, status, visibility, sequence, all_day, starts_at, ends_at, timezone,
                            range_start, range_end, created_at, updated_at, search_text, exdates)
            values ('batch-0-1-0@crash', 'x', 'other', 'confirmed', 'public', 0, 0, '2027-01-01T01:00:00Z',
                    '2027-01-01T02:00:00Z', 'UTC', '2027-01-01T01:00:00Z', '2027-01-01T02:00:00Z',
                    '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'x', '[]');
        insert into organizations_fts (rowid, search_text) values (999, 'mo coi');
        insert into events_fts (rowid, search_text) values (999, 'mo coi');
    """)
    conn.commit()
    conn.close()
    problems = crashes.check(database)
    assert [p.split(":")[0] for p in problems] == [
        "agreements without their parties", "agreements without their review series", "half-imported files",
        "1 events without their audit row", "search index of events", "search index of organizations"]
