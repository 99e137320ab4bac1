"""Index when every event happens, so window queries scan a range instead of expanding every series."""


def migrate(db):
    """Create the occurrence index (see repositories/occurrence_index.py) and fill it for existing events."""
    from calendar_app.repositories import occurrence_index

    db.execute(
        "create table event_occurrences ("
        " event_id integer not null references events(id) on delete cascade,"
        " starts text not null, ends text not null,"
        " exact integer not null,"  # 0: an envelope spanning a series that readers expand on the fly
        " short integer not null,"  # 1: ends - starts <= SHORT_SPAN, found by a bounded range scan
        " primary key (event_id, starts))")
    db.execute("create index event_occurrences_window on event_occurrences (short, starts, ends)")
    occurrence_index.rebuild(db)
