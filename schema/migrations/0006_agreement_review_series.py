"""Remember which event is an agreement's review series, so a change of term can move it."""


def migrate(db):
    """Add the link; existing series stay unlinked (they were made before it existed)."""
    db["agreements"].add_column("review_series_event_id", int)
