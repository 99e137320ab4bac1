"""Reading stored rows as dicts: one row by a unique column, the rows of a read-only SELECT, a free slug."""

from ..errors import ConflictError, NotFoundError


def select(db, sql: str, params=()) -> list[dict]:
    """The rows of a SELECT as dicts, in one fetch.

    db.query() wraps each statement in a savepoint (so that a write with RETURNING is safe), which
    costs more than building a page of rows; a read needs none.
    """
    cursor = db.execute(sql, params)
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row)) for row in cursor.fetchall()]


def one_row(db, table: str, column: str, value, missing: str) -> dict:
    """The row of `table` whose unique `column` is `value`; NotFoundError(missing), a 404, when there is none."""
    found = select(db, f"select * from {table} where {column} = ?", [value])
    if not found:
        raise NotFoundError(missing)
    return found[0]


def ensure_slug_free(db, table: str, noun: str, slug: str) -> None:
    """Refuse a slug `table` already holds: ConflictError, a 409 naming the field."""
    if db.execute(f"select 1 from {table} where slug = ?", [slug]).fetchone():
        raise ConflictError(f"{noun} with slug '{slug}' already exists.", {"slug": ["Already taken."]})
