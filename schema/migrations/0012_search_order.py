"""Search index in list order: events_fts's rowid is a key that sorts like (range_start, id).

A search then reads its first page straight out of FTS5 (`ORDER BY rowid LIMIT n`) instead of
looking up, sorting and counting every match (repositories/search.py).

The key is (seconds since 1800-01-01 of range_start) << 29 | id: range_start is stored in whole
seconds and validated between 1900 and 2200, so the key is exact and unique for ids below 2**29;
the triggers refuse a row outside those bounds rather than index it out of order. The table is
contentless (its rowid is not the events' rowid), so a deletion names the old key and text.
The prefix indexes (1 to 7 characters: every folded Vietnamese syllable) let FTS5 walk a prefix
term's documents in order instead of merging the doclists of every word it begins.
"""

# Repeated in repositories/search.py (ID_BITS); tests/test_search_order.py checks that they agree.
KEY = "(((unixepoch({row}.range_start) + 5364662400) << 29) | {row}.id)"
IN_BOUNDS = ("({row}.id between 0 and 536870911 and unixepoch({row}.range_start) + 5364662400 "
             "between 0 and 17179869183)")


def _refuse_outside(row: str) -> str:
    return (f"select raise(abort, 'event outside the search key (id below 2**29, range_start 1800-2344)') "
            f"where not coalesce({IN_BOUNDS.format(row=row)}, 0);")


def migrate(db):
    """Rebuild events_fts keyed by list order, with prefix indexes and triggers that keep it."""
    outside = db.execute(f"select count(*) from events where not coalesce({IN_BOUNDS.format(row='events')}, 0)"
                         ).fetchone()[0]
    if outside:
        raise RuntimeError(f"{outside} events are outside the search key's bounds: see 0012_search_order.py")
    for trigger in ("events_ai", "events_ad", "events_au", "events_fts_insert", "events_fts_delete", "events_fts_update"):
        db.execute(f"drop trigger if exists {trigger}")
    db.execute("drop table if exists events_fts")
    db.execute("create virtual table events_fts using fts5(search_text, content='', "
               "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3 4 5 6 7')")
    db.execute(f"insert into events_fts (rowid, search_text) select {KEY.format(row='events')}, search_text "
               "from events")
    new, old = KEY.format(row="new"), KEY.format(row="old")
    db.execute(f"create trigger events_fts_insert after insert on events begin {_refuse_outside('new')} "
               f"insert into events_fts (rowid, search_text) values ({new}, new.search_text); end")
    db.execute(f"create trigger events_fts_delete after delete on events begin "
               f"insert into events_fts (events_fts, rowid, search_text) values ('delete', {old}, old.search_text); end")
    db.execute("create trigger events_fts_update after update of id, range_start, search_text on events "
               "when old.id is not new.id or old.range_start is not new.range_start "
               f"or old.search_text is not new.search_text begin {_refuse_outside('new')} "
               f"insert into events_fts (events_fts, rowid, search_text) values ('delete', {old}, old.search_text); "
               f"insert into events_fts (rowid, search_text) values ({new}, new.search_text); end")
