"""Keep each event's serialised VEVENT bytes, so a feed is rebuilt from parts after a restart."""


def migrate(db):
    """Create the per-event iCalendar byte cache, keyed by event, rendering variant and version."""
    # variant: hash of what shapes the bytes besides the event (build, base URL, alarm, filters);
    # version: the event's feed_versions scope version the bytes were built from;
    # build: the code that wrote them, so rows of older deployments can be pruned.
    db["event_ical_cache"].create(
        {"event_id": int, "variant": str, "version": int, "build": str, "body": bytes},
        pk=("event_id", "variant"),
        not_null=["version", "build", "body"],
        foreign_keys=[("event_id", "events", "id")],
    )
    db.execute("drop trigger if exists event_ical_cache_on_event_delete")
    # Rows go with their event; no ON DELETE CASCADE needed in the repositories that delete events.
    db.execute(
        "create trigger event_ical_cache_on_event_delete before delete on events "
        "begin delete from event_ical_cache where event_id = old.id; end"
    )
