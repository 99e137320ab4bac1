"""Diacritic- and case-insensitive search over the folded search_text columns (FTS5).

events_fts is keyed by list order (migration 0012): its rowid is (seconds of range_start) << ID_BITS
| id, so `ORDER BY rowid` is the events list's order (range_start, id) and a page of a search is
read straight out of the index, however many events match.
"""

from ..text import fts_match_expression

ID_BITS = 29  # the migration's key; tests/test_search_order.py checks that both agree
_ID_MASK = (1 << ID_BITS) - 1
# The event id of the match at hand in events_in_order: filters that test ids (organizations, a
# limited token's internal events) use it, so a rejected match costs no read of its event row.
STREAMED_EVENT_ID = f"(events_fts.rowid & {_ID_MASK})"


def search_clause(table: str, query: str) -> tuple[str, list]:
    """Return a WHERE fragment restricting `table` to rows matching the query's words as prefixes."""
    expression = fts_match_expression(query)
    if expression is None:
        return "0", []
    if table == "events":  # the key's id bits; "+": the matches are tested, never walked (below)
        # A window's occurrence index picks the rows to test: walking up to every match instead took a
        # one-week search 3.3 s at 1,000,000 events, against 0.56 s (bench/README.md).
        return f"+events.id in (select rowid & {_ID_MASK} from events_fts where events_fts match ?)", [expression]
    return f"{table}.rowid in (select rowid from {table}_fts where {table}_fts match ?)", [expression]


def events_in_order(db, query: str, where: list[str], params: list, newest_first: bool,
                    count: int | None) -> list[int]:
    """Ids of the first `count` (None: all) events matching the query and `where`, in list order.

    Streamed out of events_fts in rowid order, each match checked against `where` (clauses over
    `events`, their id tests on STREAMED_EVENT_ID) as it comes: the cost follows `count` and the
    matches `where` turns down, not the number of matches.
    """
    expression = fts_match_expression(query)
    if expression is None:
        return []
    extra = "".join(f" and {clause}" for clause in where)
    # CROSS JOIN keeps events_fts the outer loop: its rowid order is the answer's order.
    sql = (f"select events.id from events_fts cross join events on events.id = {STREAMED_EVENT_ID} "
           f"where events_fts match ?{extra} order by events_fts.rowid{' desc' if newest_first else ''}")
    if count is None:
        return [row[0] for row in db.execute(sql, [expression, *params])]
    return [row[0] for row in db.execute(f"{sql} limit ?", [expression, *params, count])]


def capped_total(count: int, total_limit: int) -> tuple[int, bool]:
    """A search's total as the API and the page give it: exact up to the limit, else the limit and True."""
    return min(count, total_limit), count > total_limit
