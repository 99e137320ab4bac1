"""The one place that connects to SQLite: a kept connection per worker thread, the schema migrated first.

A restore replaces the database file and a mistaken `mv` removes it. Both are noticed here, once
per process: every registered cache is cleared and every thread's kept connection reopens on its
next use. Only start-up (and so `init-db`) creates the file; later opens are `mode=rw`, so a vanished
file answers 503 rather than growing an empty, unmigrated database at its path.
"""

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

from . import caches, collation
from .errors import DatabaseUnavailable
from .repositories import occurrence_index
from .transactions import write_transaction  # noqa: F401  (re-exported: callers import it from here)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "schema" / "migrations"
MIGRATION_SET = "calendar_app"


class SchemaTooNewError(RuntimeError):
    """The database carries migrations this code does not know: refuse rather than corrupt it."""


def connect(path: str, busy_timeout_ms: int = 10000, create: bool = True, wal: bool = True) -> Database:
    """Open the database with foreign keys on, WAL journaling and a busy timeout.

    create=False opens an existing file only (sqlite3.OperationalError when it is missing);
    wal=False leaves the journal mode alone (a backup's copy).
    """
    if path == ":memory:":
        conn = sqlite3.connect(path, check_same_thread=False)
    elif create:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, check_same_thread=False)
    else:
        conn = sqlite3.connect(Path(path).absolute().as_uri() + "?mode=rw", uri=True,
                               timeout=busy_timeout_ms / 1000, check_same_thread=False)
    # Every connection sorts names the Vietnamese way: ORDER BY name COLLATE vi (collation.py).
    conn.create_collation(collation.COLLATION, collation.compare)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    if wal and path != ":memory:":
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
    if not migrations.pending(db) and not occurrence_index.rebuild_requested(db):
        return []  # the usual start-up: an up-to-date database is only read, the write lock is not taken
    with write_transaction(db):  # checked again under the lock: another worker may have migrated meanwhile
        check_not_newer(db, migrations)
        pending = [m.name for m in migrations.pending(db)]
        if pending:
            migrations.apply(db)
        # Migrations never run live code; derived data they ask for is rebuilt here, after all of them.
        if occurrence_index.rebuild_requested(db):
            occurrence_index.rebuild(db)
    return pending


def open_app_db(app) -> Database:
    """Open the configured database, which must exist (see thread_db for the connection to use)."""
    try:
        return connect(app.config["DATABASE"], app.config["SQLITE_BUSY_TIMEOUT_MS"], create=False)
    except sqlite3.OperationalError as error:  # removed between the check and the open
        raise DatabaseUnavailable() from error


def get_db() -> Database:
    """Return the request's connection, opening it on first use."""
    if "db" not in g:
        if current_app.config["SQLITE_KEEP_CONNECTIONS"]:
            g.db = thread_db(current_app)
        else:
            _current_generation(current_app)
            g.db = open_app_db(current_app)
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
    """Which file the path names now (None: no file there); a restore replaces it."""
    try:
        stat = os.stat(path)
    except (OSError, TypeError, ValueError):
        return None
    return stat.st_dev, stat.st_ino


class _FileWatch:
    """The database file this process last saw, and how many times it has changed since start-up."""

    def __init__(self, identity):
        self.lock = threading.Lock()
        self.identity = identity
        self.generation = 0


def _current_generation(app) -> int:
    """Act once per process on a replaced or vanished database file; raise while it is missing.

    Every thread compares the file against the process-wide identity; the first to see a change
    clears every registered cache (a restored file may repeat version numbers with other data)
    and bumps the generation, which makes every thread's kept connection reopen on next use.
    Hazard: a thread that read from the old file just before the change may still put what it
    read into a cache just after the clear; it is tagged with the old file's versions, so this
    matters only when the restored file repeats them, and lasts until the next write.
    """
    watch = app.extensions["calendar_db_file"]
    identity = file_identity(app.config["DATABASE"])
    if identity != watch.identity:
        with watch.lock:
            if identity != watch.identity:  # another thread may have acted on it meanwhile
                watch.identity = identity
                watch.generation += 1
                caches.clear_all(app)
    if identity is None:
        raise DatabaseUnavailable()
    return watch.generation


def thread_db(app) -> Database:
    """The calling thread's connection, kept across requests: opening one costs more than most requests.

    The one connection a worker thread uses, inside a request (get_db) and outside one (the feed
    shortcut, the list cache's version reads). Reopened after the database file was replaced or
    came back; raises DatabaseUnavailable (503) while it is missing.
    """
    generation = _current_generation(app)
    kept = app.extensions["calendar_kept_db"]
    if getattr(kept, "db", None) is None or kept.generation != generation:
        if getattr(kept, "db", None) is not None:
            kept.db.close()
            kept.db = None
        kept.db, kept.generation = open_app_db(app), generation
    return kept.db


def init_app(app) -> None:
    """Migrate at start-up (refusing a newer schema) and close the request's connection at teardown."""
    db = connect(app.config["DATABASE"], app.config["SQLITE_BUSY_TIMEOUT_MS"])  # the one place that creates it
    try:
        app.extensions["calendar_migrations_applied"] = migrate(db)
    finally:
        db.close()
    app.extensions["calendar_db_file"] = _FileWatch(file_identity(app.config["DATABASE"]))
    app.extensions["calendar_kept_db"] = threading.local()
    app.teardown_appcontext(close_db)


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database or apply pending migrations."""
    # The app factory has already migrated at start-up; report what it applied then.
    applied = current_app.extensions.pop("calendar_migrations_applied", []) + migrate(get_db())
    click.echo(f"Database ready at {current_app.config['DATABASE']}"
               + (f" (applied: {', '.join(applied)})" if applied else " (up to date)"))
