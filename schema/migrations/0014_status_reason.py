"""Why an event or one occurrence was cancelled or postponed (the `postponed` status needs no schema change)."""


def migrate(db):
    """Add status_reason to events and to occurrence overrides; events.status is free text checked by the API."""
    db["events"].add_column("status_reason", str)
    db["occurrence_overrides"].add_column("status_reason", str)
