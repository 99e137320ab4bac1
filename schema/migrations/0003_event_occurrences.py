"""Index when every event happens, so window queries scan a range instead of expanding every series."""

# The same statement as 0009's, which gives the table to databases that ran the older 0003.
PENDING_REBUILDS = "create table if not exists pending_rebuilds (name text primary key)"


def migrate(db):
    """Create the occurrence index (see repositories/occurrence_index.py) and ask for it to be filled.

    A migration never imports live code: the index rows come from today's recurrence rules, which
    may need columns that later migrations add. So this records the rebuild in `pending_rebuilds`
    and db.migrate does it with live code once every migration has run. (Until 0009 this called
    occurrence_index.rebuild itself; databases migrated then already hold their index.)
    """
    db.execute(
        "create table event_occurrences ("
        " event_id integer not null references events(id) on delete cascade,"
        " starts text not null, ends text not null,"
        " exact integer not null,"  # 0: an envelope spanning a series that readers expand on the fly
        " short integer not null,"  # 1: ends - starts <= SHORT_SPAN, found by a bounded range scan
        " primary key (event_id, starts))")
    db.execute("create index event_occurrences_window on event_occurrences (short, starts, ends)")
    db.execute(PENDING_REBUILDS)
    db.execute("insert or ignore into pending_rebuilds (name) values ('occurrence_index')")
