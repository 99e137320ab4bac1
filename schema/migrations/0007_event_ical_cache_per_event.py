"""One row of stored VEVENT templates per event, instead of one copy per base URL, alarm and filter."""


def migrate(db):
    """Recreate event_ical_cache keyed by event alone; its rows are a cache, rebuilt on the next feed request."""
    # build: the build key of the code that wrote the row (older builds' rows are pruned);
    # version: the event's feed_versions version the row was built from;
    # body: every occurrence shown; without_*: overridden occurrences of those statuses left out,
    # NULL when the event has none (the same bytes as body).
    db.execute("drop trigger if exists event_ical_cache_on_event_delete")
    db["event_ical_cache"].drop(ignore=True)
    db["event_ical_cache"].create(
        {"event_id": int, "version": int, "build": str, "body": bytes, "without_cancelled": bytes,
         "without_tentative": bytes, "without_both": bytes},
        pk="event_id",
        not_null=["version", "build", "body"],
        foreign_keys=[("event_id", "events", "id")],
    )
    # Rows go with their event; no ON DELETE CASCADE needed in the repositories that delete events.
    db.execute(
        "create trigger event_ical_cache_on_event_delete before delete on events "
        "begin delete from event_ical_cache where event_id = old.id; end"
    )
