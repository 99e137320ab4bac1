"""Diacritic- and case-insensitive search over the folded search_text columns (FTS5)."""

from ..text import fts_match_expression


def search_clause(table: str, query: str) -> tuple[str, list]:
    """Return a WHERE fragment restricting `table` to rows matching the query's words as prefixes."""
    expression = fts_match_expression(query)
    if expression is None:
        return "0", []
    return f"{table}.rowid in (select rowid from {table}_fts where {table}_fts match ?)", [expression]
