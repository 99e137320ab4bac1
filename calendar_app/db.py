"""One SQLite connection per request (or CLI call), with the schema migrated before use."""

import functools
import importlib.util
import os
import sqlite3
import threading
from pathlib import Path

import click
from flask import current_app, g
from flask.cli import with_appcontext
from sqlite_utils import Database, Migrations

from .transactions import write_transaction  # noqa: F401  (re-exported: callers import it from here)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "schema" / "migrations"
MIGRATION_SET = "calendar_app"


class SchemaTooNewError(RuntimeError):
    """The database carries migrations this code does not know: refuse rather than corrupt it."""


def connect(path: str, busy_timeout_ms: int = 10000) -> Database:
    """Open the database with foreign keys on, WAL journaling and a busy timeout."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, check_same_thread=False)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    if path != ":memory:":
        db.enable_wal()
    return db


@functools.cache
def load_migrations() -> Migrations:
    """Register the numbered files of schema/migrations in order, each as one migration (read once per process)."""
    migrations = Migrations(MIGRATION_SET)
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py")):
        spec = importlib.util.spec_from_file_location(f"calendar_app_migration_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        transactional = getattr(module, "TRANSACTIONAL", True)
        migrations(name=path.stem, transactional=transactional)(module.migrate)
    return migrations


def check_not_newer(db: Database, migrations: Migrations) -> None:
    """Raise when the database was migrated by newer code than this one."""
    known = {m.name for m in migrations._migrations}
    unknown = [m.name for m in migrations.applied(db) if m.name not in known]
    if unknown:
        raise SchemaTooNewError(
            "The database was migrated by a newer calendar_app (unknown migrations: "
            + ", ".join(unknown) + "). Upgrade the code or restore a matching backup."
        )


def migrate(db: Database) -> list[str]:
    """Apply pending migrations under the write lock, so concurrent workers migrate once."""
    migrations = load_migrations()
    check_not_newer(db, migrations)
    if not migrations.pending(db):
        return []  # the usual start-up: an up-to-date database is only read, the write lock is not taken
    with write_transaction(db):  # checked again under the lock: another worker may have migrated meanwhile
        check_not_newer(db, migrations)
        pending = [m.name for m in migrations.pending(db)]
        if pending:
            migrations.apply(db)
    return pending


def open_app_db(app) -> Database:
    """Open the configured database for the application."""
    return connect(app.config["DATABASE"], app.config["SQLITE_BUSY_TIMEOUT_MS"])


def get_db() -> Database:
    """Return the request's connection, opening it on first use."""
    if "db" not in g:
        g.db = thread_db(current_app) if current_app.config["SQLITE_KEEP_CONNECTIONS"] else open_app_db(current_app)
    return g.db


def close_db(_error=None) -> None:
    """Close the request's connection at teardown (a kept one is only rolled back if left in a transaction)."""
    db = g.pop("db", None)
    if db is None:
        return
    if current_app.config["SQLITE_KEEP_CONNECTIONS"]:
        if db.conn.in_transaction:
            db.conn.rollback()
        return
    db.close()


def file_identity(path: str) -> tuple[int, int] | None:
    """Which file the path names now: a restore replaces it, and caches and kept connections must notice."""
    try:
        stat = os.stat(path)
    except (OSError, TypeError, ValueError):
        return None
    return stat.st_dev, stat.st_ino


def thread_db(app) -> Database:
    """The calling thread's connection, kept across requests: opening one costs more than most requests.

    The one connection a worker thread uses, inside a request (get_db) and outside one (the feed
    shortcut, the list cache's version reads).

    SQLITE_KEEP_CONNECTIONS (on by default); reopened when the database file was replaced (a restore).
    """
    kept = app.extensions.setdefault("calendar_kept_db", threading.local())
    identity = file_identity(app.config["DATABASE"])
    if getattr(kept, "db", None) is None or kept.identity != identity:
        if getattr(kept, "db", None) is not None:
            kept.db.close()
        kept.db, kept.identity = open_app_db(app), identity
    return kept.db


def init_app(app) -> None:
    """Migrate at start-up (refusing a newer schema) and register teardown and CLI."""
    db = open_app_db(app)
    try:
        app.extensions["calendar_migrations_applied"] = migrate(db)
    finally:
        db.close()
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database or apply pending migrations."""
    # The app factory has already migrated at start-up; report what it applied then.
    applied = current_app.extensions.pop("calendar_migrations_applied", []) + migrate(get_db())
    click.echo(f"Database ready at {current_app.config['DATABASE']}"
               + (f" (applied: {', '.join(applied)})" if applied else " (up to date)"))
