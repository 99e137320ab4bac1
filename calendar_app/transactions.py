"""The one way to write: a transaction that takes SQLite's write lock up front (no Flask here)."""

from contextlib import contextmanager

from sqlite_utils import Database


@contextmanager
def write_transaction(db: Database):
    """Run a write as one transaction that takes the write lock up front.

    A deferred BEGIN that reads first and writes later can fail at once with
    "database is locked" when another writer commits in between; BEGIN IMMEDIATE
    waits for the busy timeout instead. Nested calls become savepoints.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.conn.execute("COMMIT")
