"""Reading one stored row by a unique column, the way every repository's get answers a missing one."""

from ..errors import NotFoundError


def one_row(db, table: str, column: str, value, missing: str) -> dict:
    """The row of `table` whose unique `column` is `value`; NotFoundError(missing), a 404, when there is none."""
    found = list(db.query(f"select * from {table} where {column} = ?", [value]))
    if not found:
        raise NotFoundError(missing)
    return found[0]
