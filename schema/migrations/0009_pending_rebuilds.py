"""Derived data a migration asks live code to rebuild (see 0003): the table for databases migrated before it."""


def migrate(db):
    """Create `pending_rebuilds` where the older 0003 (which rebuilt the index itself) left none.

    One row per derived table to rebuild with live code after the migrations, by name
    ('occurrence_index'); db.migrate does it and the rebuild deletes the row.
    """
    db.execute("create table if not exists pending_rebuilds (name text primary key)")
