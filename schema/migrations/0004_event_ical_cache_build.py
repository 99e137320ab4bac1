"""Give event_ical_cache its build column where an early 0002 created the table without it."""


def migrate(db):
    """Add event_ical_cache.build when missing; rows without a build are pruned on the next store."""
    if "build" not in db["event_ical_cache"].columns_dict:
        db["event_ical_cache"].add_column("build", str, not_null_default="")
