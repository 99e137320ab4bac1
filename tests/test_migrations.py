"""Migrations: the schema 0001 creates column by column, idempotence, and refusing a newer database."""

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from calendar_app import create_app
from calendar_app.db import (MIGRATION_SET, MIGRATIONS_DIR, SchemaTooNewError, connect, load_migrations, migrate,
                             write_transaction)

ROOT = Path(__file__).resolve().parent.parent

# (name, type, not null, default, primary-key position) as PRAGMA table_info reports them.
INITIAL_COLUMNS = {
    "organizations": [
        ("id", "INTEGER", 0, None, 1), ("slug", "TEXT", 1, None, 0), ("name", "TEXT", 1, None, 0),
        ("short_name", "TEXT", 0, None, 0), ("kind", "TEXT", 1, None, 0), ("parent_id", "INTEGER", 0, None, 0),
        ("website", "TEXT", 0, None, 0), ("feed_token", "TEXT", 1, None, 0), ("search_text", "TEXT", 1, None, 0),
        ("created_at", "TEXT", 1, None, 0), ("updated_at", "TEXT", 1, None, 0)],
    "agreements": [
        ("id", "INTEGER", 0, None, 1), ("slug", "TEXT", 1, None, 0), ("title", "TEXT", 1, None, 0),
        ("kind", "TEXT", 1, None, 0), ("summary", "TEXT", 0, None, 0), ("signed_on", "TEXT", 0, None, 0),
        ("valid_from", "TEXT", 0, None, 0), ("valid_until", "TEXT", 0, None, 0), ("parent_id", "INTEGER", 0, None, 0),
        ("review_every_months", "INTEGER", 0, None, 0), ("source_url", "TEXT", 0, None, 0),
        ("search_text", "TEXT", 1, None, 0), ("created_at", "TEXT", 1, None, 0), ("updated_at", "TEXT", 1, None, 0)],
    "agreement_parties": [
        ("agreement_id", "INTEGER", 0, None, 1), ("organization_id", "INTEGER", 0, None, 2),
        ("role", "TEXT", 1, None, 0),
        ("signatory_name", "TEXT", 0, None, 0), ("signatory_title", "TEXT", 0, None, 0),
        ("position", "INTEGER", 1, None, 0)],
    "events": [
        ("id", "INTEGER", 0, None, 1), ("uid", "TEXT", 1, None, 0), ("title", "TEXT", 1, None, 0),
        ("kind", "TEXT", 1, None, 0), ("agreement_id", "INTEGER", 0, None, 0), ("description", "TEXT", 0, None, 0),
        ("location", "TEXT", 0, None, 0), ("url", "TEXT", 0, None, 0), ("status", "TEXT", 1, None, 0),
        ("visibility", "TEXT", 1, None, 0), ("sequence", "INTEGER", 1, "0", 0), ("all_day", "INTEGER", 1, "0", 0),
        ("starts_at", "TEXT", 0, None, 0), ("ends_at", "TEXT", 0, None, 0), ("timezone", "TEXT", 1, None, 0),
        ("start_date", "TEXT", 0, None, 0), ("end_date", "TEXT", 0, None, 0), ("rrule", "TEXT", 0, None, 0),
        ("exdates", "TEXT", 1, "'[]'", 0), ("range_start", "TEXT", 1, None, 0), ("range_end", "TEXT", 0, None, 0),
        ("search_text", "TEXT", 1, None, 0), ("created_at", "TEXT", 1, None, 0), ("updated_at", "TEXT", 1, None, 0),
        ("cancelled_at", "TEXT", 0, None, 0)],
    "event_organizations": [("event_id", "INTEGER", 0, None, 1), ("organization_id", "INTEGER", 0, None, 2)],
    "occurrence_overrides": [
        ("event_id", "INTEGER", 0, None, 1), ("recurrence_id", "TEXT", 0, None, 2), ("status", "TEXT", 1, None, 0),
        ("starts_at", "TEXT", 0, None, 0), ("ends_at", "TEXT", 0, None, 0), ("start_date", "TEXT", 0, None, 0),
        ("end_date", "TEXT", 0, None, 0), ("title", "TEXT", 0, None, 0), ("location", "TEXT", 0, None, 0),
        ("description", "TEXT", 0, None, 0), ("sequence", "INTEGER", 1, None, 0), ("updated_at", "TEXT", 1, None, 0)],
    "api_tokens": [
        ("id", "INTEGER", 0, None, 1), ("name", "TEXT", 1, None, 0), ("secret_hash", "TEXT", 1, None, 0),
        ("scope", "TEXT", 1, None, 0), ("organizations", "TEXT", 0, None, 0), ("created_at", "TEXT", 1, None, 0),
        ("expires_at", "TEXT", 0, None, 0), ("revoked_at", "TEXT", 0, None, 0), ("last_used_at", "TEXT", 0, None, 0)],
    "users": [
        ("id", "INTEGER", 0, None, 1), ("username", "TEXT", 1, None, 0), ("password_hash", "TEXT", 1, None, 0),
        ("display_name", "TEXT", 0, None, 0), ("created_at", "TEXT", 1, None, 0)],
    "audit_log": [
        ("id", "INTEGER", 0, None, 1), ("at", "TEXT", 1, None, 0), ("actor", "TEXT", 1, None, 0),
        ("entity", "TEXT", 1, None, 0), ("entity_id", "INTEGER", 1, None, 0), ("entity_key", "TEXT", 0, None, 0),
        ("action", "TEXT", 1, None, 0), ("changes", "TEXT", 1, None, 0)],
    "feed_versions": [
        ("scope", "TEXT", 0, None, 1), ("version", "INTEGER", 1, None, 0), ("changed_at", "TEXT", 1, None, 0)],
}

INITIAL_FOREIGN_KEYS = {
    ("organizations", "parent_id", "organizations", "id"), ("agreements", "parent_id", "agreements", "id"),
    ("agreement_parties", "agreement_id", "agreements", "id"),
    ("agreement_parties", "organization_id", "organizations", "id"),
    ("events", "agreement_id", "agreements", "id"), ("event_organizations", "event_id", "events", "id"),
    ("event_organizations", "organization_id", "organizations", "id"),
    ("occurrence_overrides", "event_id", "events", "id"),
}

INITIAL_UNIQUE_INDEXES = {
    ("organizations", ("slug",)), ("organizations", ("feed_token",)), ("agreements", ("slug",)),
    ("events", ("uid",)), ("users", ("username",)),
}
INITIAL_PLAIN_INDEXES = {
    ("organizations", ("parent_id",)), ("agreements", ("valid_until",)), ("agreement_parties", ("organization_id",)),
    ("events", ("agreement_id",)), ("events", ("range_start",)), ("events", ("range_end",)),
    ("event_organizations", ("organization_id",)), ("audit_log", ("entity", "entity_id")),
}


def columns(db: Database, table: str) -> list[tuple]:
    return [tuple(row[1:6]) for row in db.execute(f"pragma table_info([{table}])").fetchall()]


def foreign_keys(db: Database) -> set[tuple]:
    return {(t, fk.column, fk.other_table, fk.other_column) for t in INITIAL_COLUMNS for fk in db[t].foreign_keys}


def indexes(db: Database, unique: bool) -> set[tuple]:
    return {(t, tuple(i.columns)) for t in INITIAL_COLUMNS for i in db[t].indexes
            if bool(i.unique) == unique and not i.name.startswith("sqlite_autoindex")}


def schema_sql(db: Database) -> list[tuple]:
    return db.execute("select type, name, sql from sqlite_master order by type, name").fetchall()


@pytest.fixture
def initial_only(tmp_path) -> Database:
    """A database holding exactly what 0001_initial creates."""
    spec = importlib.util.spec_from_file_location("initial", MIGRATIONS_DIR / "0001_initial.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    db = Database(tmp_path / "initial.sqlite3")
    module.migrate(db)
    return db


def test_initial_migration_creates_these_columns_exactly(initial_only):
    for table, expected in INITIAL_COLUMNS.items():
        assert columns(initial_only, table) == expected, table


def test_initial_migration_creates_keys_indexes_and_search(initial_only):
    assert foreign_keys(initial_only) == INITIAL_FOREIGN_KEYS
    assert indexes(initial_only, unique=True) == INITIAL_UNIQUE_INDEXES
    assert indexes(initial_only, unique=False) == INITIAL_PLAIN_INDEXES
    for table in ("organizations", "agreements", "events"):
        assert initial_only[table].detect_fts() == f"{table}_fts"
        assert "remove_diacritics 2" in initial_only[f"{table}_fts"].schema
        triggers = {t.name for t in initial_only[table].triggers}
        assert triggers == {f"{table}_ai", f"{table}_ad", f"{table}_au"}


def test_later_migrations_keep_every_initial_column(app, db):
    """Later migrations may add, but never drop or retype, what 0001 created."""
    for table, expected in INITIAL_COLUMNS.items():
        assert columns(db, table)[:len(expected)] == expected, table
    assert foreign_keys(db) >= INITIAL_FOREIGN_KEYS
    assert indexes(db, unique=True) >= INITIAL_UNIQUE_INDEXES


def test_every_migration_file_is_applied_and_recorded_in_order(app, db):
    names = sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert names[0] == "0001_initial"
    recorded = [r[0] for r in db.execute("select name from _sqlite_migrations where migration_set = ? order by id",
                                         [MIGRATION_SET]).fetchall()]
    assert recorded == names


def test_migrating_again_changes_nothing(app, db):
    before = schema_sql(db)
    recorded = db.execute("select count(*) from _sqlite_migrations").fetchone()[0]
    assert migrate(db) == []
    assert schema_sql(db) == before
    assert db.execute("select count(*) from _sqlite_migrations").fetchone()[0] == recorded
    again = create_app({"INSTANCE_PATH": app.instance_path, "SECRET_KEY": "x", "DATABASE": app.config["DATABASE"]})
    assert again.extensions["calendar_migrations_applied"] == []
    assert schema_sql(db) == before


def test_a_database_behind_the_code_is_brought_up_to_date(tmp_path):
    path = str(tmp_path / "old.sqlite3")
    migrations = load_migrations()
    old = connect(path)
    names = [m.name for m in migrations.pending(old)]  # a new file: every migration, in order
    migrations.apply(old, stop_before=names[1:] or None)
    old.close()
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "DATABASE": path})
    assert app.extensions["calendar_migrations_applied"] == names[1:]
    with app.app_context():
        from calendar_app.db import get_db
        assert [m.name for m in load_migrations().pending(get_db())] == []


def _mark_newer(path: str) -> None:
    db = connect(path)
    db["_sqlite_migrations"].insert({"migration_set": MIGRATION_SET, "name": "9999_from_the_future",
                                     "applied_at": "2030-01-01 00:00:00+00:00"})
    db.close()


def test_the_app_refuses_a_database_migrated_by_newer_code(app):
    path = app.config["DATABASE"]
    _mark_newer(path)
    with pytest.raises(SchemaTooNewError) as refused:
        create_app({"INSTANCE_PATH": app.instance_path, "SECRET_KEY": "x", "DATABASE": path})
    assert str(refused.value) == ("The database was migrated by a newer calendar_app (unknown migrations: "
                                  "9999_from_the_future). Upgrade the code or restore a matching backup.")
    db = connect(path)
    assert db.execute("select count(*) from _sqlite_migrations where name = '9999_from_the_future'").fetchone()[0] == 1
    db.close()


def test_the_command_line_says_why_it_refuses(app):
    _mark_newer(app.config["DATABASE"])
    env = {**os.environ, "CALENDAR_APP_DATABASE": app.config["DATABASE"], "CALENDAR_APP_SECRET_KEY": "x"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "calendar_app", "init-db"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].endswith(
        "unknown migrations: 9999_from_the_future). Upgrade the code or restore a matching backup.")


def test_connections_enforce_foreign_keys_with_wal_and_a_busy_timeout(app, db):
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma busy_timeout").fetchone()[0] == app.config["SQLITE_BUSY_TIMEOUT_MS"] > 0
    with pytest.raises(Exception, match="FOREIGN KEY"):
        db.execute("insert into event_organizations (event_id, organization_id) values (999, 999)")


# Migrations never import live code; derived data they need is rebuilt by live code after them all.


def test_no_migration_imports_application_code():
    """Live code changes after a migration is written: a migration that calls it runs code it never knew."""
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0 and not (node.module or "").startswith("calendar_app"), path.name
            elif isinstance(node, ast.Import):
                assert not [a.name for a in node.names if a.name.startswith("calendar_app")], path.name


def _index(db) -> list[tuple]:
    return db.execute("select event_id, starts, ends, exact, short from event_occurrences "
                      "order by event_id, starts").fetchall()


@pytest.fixture
def indexed_event(db, make):
    """An events row and the index rows live code gives it: a weekly Berlin series across the March change."""
    event = make.event(title="Tọa đàm Berlin", timezone="Europe/Berlin", starts_at="2026-03-15T10:00:00+01:00",
                       ends_at="2026-03-15T11:30:00+01:00", rrule="FREQ=WEEKLY;COUNT=4")
    return next(db.query("select * from events where id = ?", [event["id"]])), _index(db)


def _database_before_the_index(path, row) -> Database:
    """A database migrated up to 0002 that holds `row`, as an older deployment left it."""
    old = connect(str(path))
    load_migrations().apply(old, stop_before="0003_event_occurrences")
    columns = {c.name for c in old["events"].columns}
    old["events"].insert({k: v for k, v in row.items() if k in columns})
    return old


def _pending(db) -> list[tuple]:
    return db.execute("select name from pending_rebuilds").fetchall()


def test_events_from_before_the_index_are_indexed_by_live_code_at_start_up(tmp_path, indexed_event):
    row, expected = indexed_event
    path = tmp_path / "old.sqlite3"
    _database_before_the_index(path, row).close()
    create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "DATABASE": str(path)})
    db = connect(str(path))
    assert _index(db) == expected and len(expected) == 4
    assert _pending(db) == []


def test_a_rebuild_asked_for_by_migrations_applied_elsewhere_is_done_at_start_up(tmp_path, indexed_event):
    """`sqlite-utils migrate` or a bare Migrations.apply cannot run live code: the request waits for the app."""
    row, expected = indexed_event
    path = tmp_path / "old.sqlite3"
    old = _database_before_the_index(path, row)
    load_migrations().apply(old)
    assert _index(old) == [] and _pending(old) == [("occurrence_index",)]
    old.close()
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "DATABASE": str(path)})
    assert app.extensions["calendar_migrations_applied"] == []
    db = connect(str(path))
    assert _index(db) == expected and _pending(db) == []


def test_a_database_that_ran_the_older_0003_keeps_its_index(app, db, indexed_event):
    """The older 0003 built the index itself and left no pending_rebuilds: 0009 adds the table, nothing is rebuilt."""
    _row, expected = indexed_event
    with write_transaction(db):
        db.execute("drop table pending_rebuilds")
        db.execute("delete from _sqlite_migrations where name = '0009_pending_rebuilds'")
    again = create_app({"INSTANCE_PATH": app.instance_path, "SECRET_KEY": "x", "DATABASE": app.config["DATABASE"]})
    assert again.extensions["calendar_migrations_applied"] == ["0009_pending_rebuilds"]
    assert _index(db) == expected and _pending(db) == []


def test_rebuild_occurrences_settles_a_pending_request(app, db, runner, indexed_event):
    _row, expected = indexed_event
    with write_transaction(db):
        db.execute("delete from event_occurrences")
        db.execute("insert into pending_rebuilds (name) values ('occurrence_index')")
    result = runner.invoke(args=["rebuild-occurrences"])
    assert result.exit_code == 0, result.output
    assert _index(db) == expected and _pending(db) == []
