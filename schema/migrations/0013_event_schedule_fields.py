"""The weekly schedule's columns of an event: who presides, who attends, who prepares, a note, emphasis."""


def migrate(db):
    """Add them empty; emphasis is 0 (not bold) for every existing event."""
    for column in ("chair", "attendees", "preparation", "note"):
        db["events"].add_column(column, str)
    db["events"].add_column("emphasis", int, not_null_default=0)
