"""Events: ceremonies, workshops, volunteer programs and review meetings, with their links."""

import uuid

from .. import eventtime
from ..clock import now_stored, to_stored
from ..errors import NotFoundError, ValidationFailed
from ..schemas.events import WITHDRAWN_STATUSES
from ..stored_event import TEXT_FIELDS, StoredEvent, UnreadableEvent, readable
from ..text import fold
from . import audit, feed_versions, occurrence_index
from .organizations import ids_for_slugs
from .rows import one_row
from .search import search_clause

UID_DOMAIN = "calendar-app"
# A change to any of these makes calendar clients treat the event as rescheduled (RFC 5545 SEQUENCE).
SEQUENCE_FIELDS = ("starts_at", "ends_at", "start_date", "end_date", "all_day", "timezone",
                   "location", "status", "rrule", "exdates")


def new_uid() -> str:
    """A UID that stays with the event for life and is unique across every feed."""
    return f"{uuid.uuid4()}@{UID_DOMAIN}"


def _search_text(fields: dict) -> str:
    return fold(" ".join(filter(None, [fields.get("title"), fields.get("description"), fields.get("location")])))


def _stored_fields(fields: dict) -> dict:
    """Turn validated, typed event fields into column values."""
    all_day = bool(fields["all_day"])
    range_start, range_end = eventtime.stored_range(fields)
    return {
        **{k: fields.get(k) for k in TEXT_FIELDS},
        "all_day": int(all_day),
        "emphasis": int(bool(fields.get("emphasis"))),
        "starts_at": None if all_day else to_stored(fields["starts_at"]),
        "ends_at": None if all_day else to_stored(fields["ends_at"]),
        "start_date": fields["start_date"].isoformat() if all_day else None,
        "end_date": fields["end_date"].isoformat() if all_day else None,
        "rrule": fields.get("rrule"),
        "exdates": eventtime.stored_exdates(fields.get("exdates") or [], all_day),
        "range_start": range_start,
        "range_end": range_end,
        "search_text": _search_text(fields),
    }


def get_row(db, event_id: int) -> dict:
    """Return the stored row of one event."""
    return one_row(db, "events", "id", event_id, f"No event with id {event_id}.")


def represent_rows(db, rows: list[dict]) -> list[dict]:
    """Turn stored rows into API representations, loading links for all rows in two queries."""
    if not rows:
        return []
    agreements, organizations = link_slugs(db, rows)
    return [represent_row(row, agreements.get(row["agreement_id"]), organizations[row["id"]]) for row in rows]


def link_slugs(db, rows: list[dict]) -> tuple[dict[int, str], dict[int, list[str]]]:
    """Agreement slugs by agreement id and sorted organization slugs by event id, in two queries."""
    ids = [r["id"] for r in rows]
    placeholders = ",".join("?" * len(ids))
    organizations: dict[int, list[str]] = {i: [] for i in ids}
    for event_id, slug in db.execute(
            f"select eo.event_id, o.slug from event_organizations eo join organizations o "
            f"on o.id = eo.organization_id where eo.event_id in ({placeholders}) order by o.slug", ids).fetchall():
        organizations[event_id].append(slug)
    agreement_ids = list({r["agreement_id"] for r in rows if r["agreement_id"] is not None})
    agreements = {}
    if agreement_ids:
        marks = ",".join("?" * len(agreement_ids))
        agreements = dict(db.execute(f"select id, slug from agreements where id in ({marks})", agreement_ids).fetchall())
    return agreements, organizations


def represent_row(row: dict, agreement_slug: str | None, organization_slugs: list[str]) -> dict:
    """One stored row's API representation, given its agreement slug and sorted organization slugs."""
    return represent_event(StoredEvent.from_row(row), agreement_slug, organization_slugs)


def represent_event(event: StoredEvent, agreement_slug: str | None, organization_slugs: list[str]) -> dict:
    """One typed event's API representation (for callers that keep the typed event as well)."""
    timed = not event.all_day
    return {
        "id": event.id, "uid": event.uid, "title": event.title, "kind": event.kind,
        "agreement": agreement_slug, "organizations": organization_slugs,
        "description": event.description, "location": event.location, "url": event.url,
        "status": event.status, "status_reason": event.status_reason, "visibility": event.visibility,
        "sequence": event.sequence, **event.schedule(), "emphasis": event.emphasis,
        "all_day": event.all_day,
        "starts_at": event.start.isoformat() if timed else None,
        "ends_at": event.end.isoformat() if timed else None,
        "timezone": event.timezone,
        "start_date": None if timed else event.start.isoformat(),
        "end_date": None if timed else event.end.isoformat(),
        "rrule": event.rrule,
        "exdates": [v.isoformat() for v in event.exdates],
        "created_at": event.created_at, "updated_at": event.updated_at,
    }


def get(db, event_id: int) -> dict:
    """Return one event's API representation (UnreadableEvent, a 409, for a row no code can read)."""
    return represent_rows(db, [get_row(db, event_id)])[0]


def links(db, event_id: int) -> dict:
    """An event's agreement and organization slugs, read without its times: what the scope rule needs."""
    row = get_row(db, event_id)
    agreements, organizations = link_slugs(db, [row])
    return {"agreement": agreements.get(row["agreement_id"]), "organizations": organizations[event_id]}


def _resolve_links(db, fields: dict) -> tuple[int | None, list[int]]:
    """Resolve the agreement and organization slugs, reporting every unknown one at once."""
    errors = {}
    agreement_id = None
    if fields.get("agreement"):
        found = db.execute("select id from agreements where slug = ?", [fields["agreement"]]).fetchone()
        if found:
            agreement_id = found[0]
        else:
            errors["agreement"] = [f"Unknown agreement '{fields['agreement']}'."]
    organization_ids = []
    try:
        organization_ids = list(ids_for_slugs(db, fields.get("organizations") or [], "organizations").values())
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors)
    return agreement_id, organization_ids


def create(db, fields: dict, actor: str) -> dict:
    """Insert an event and its organization links (caller holds the write transaction)."""
    agreement_id, organization_ids = _resolve_links(db, fields)
    now = now_stored()
    event_id = audit.unused_id(db, "events", "event")
    row = {**_stored_fields(fields), "id": event_id,
           "uid": fields.get("uid") or new_uid(), "agreement_id": agreement_id,
           "sequence": 0, "created_at": now, "updated_at": now,
           "cancelled_at": now if fields.get("status") in WITHDRAWN_STATUSES else None}
    with feed_versions.changing(db, events={event_id}):
        db["events"].insert(row)
        db["event_organizations"].insert_all({"event_id": event_id, "organization_id": o} for o in organization_ids)
        occurrence_index.refresh(db, event_id)
    created = get(db, event_id)
    audit.record(db, actor, "event", event_id, created["uid"], "create", None, created)
    return created


def update(db, event_id: int, fields: dict, actor: str) -> dict:
    """Replace an event's fields with a validated whole; bump SEQUENCE when clients must reschedule."""
    before_row = get_row(db, event_id)
    before = get(db, event_id)
    agreement_id, organization_ids = _resolve_links(db, fields)
    values = _stored_fields(fields)
    rescheduled = any(values.get(k) != before_row.get(k) for k in SEQUENCE_FIELDS)
    values.update(agreement_id=agreement_id, updated_at=now_stored(),
                  sequence=before_row["sequence"] + (1 if rescheduled else 0))
    # cancelled_at: since when the event is withdrawn (feeds keep withdrawn events for a while).
    if values["status"] in WITHDRAWN_STATUSES and before_row["status"] not in WITHDRAWN_STATUSES:
        values["cancelled_at"] = values["updated_at"]
    elif values["status"] not in WITHDRAWN_STATUSES:
        values["cancelled_at"] = None
    with feed_versions.changing(db, events={event_id}):
        db["events"].update(event_id, values)
        if rescheduled:  # a new zone, time or rule must leave every override of the series readable
            from . import overrides  # overrides reads events: imported here, not at the top
            overrides.check_against_series(db, StoredEvent.from_row(get_row(db, event_id)))
        db.execute("delete from event_organizations where event_id = ?", [event_id])
        db["event_organizations"].insert_all({"event_id": event_id, "organization_id": o} for o in organization_ids)
        occurrence_index.refresh(db, event_id)
    after = get(db, event_id)
    audit.record(db, actor, "event", event_id, after["uid"], "update", before, after)
    return after


def delete(db, event_id: int, actor: str) -> None:
    """Delete an event with its links and overrides; an unreadable one too (the audit keeps its stored columns)."""
    try:
        before = get(db, event_id)
    except UnreadableEvent:
        before = {**get_row(db, event_id), **links(db, event_id)}
    with feed_versions.changing(db, events={event_id}):
        db.execute("delete from event_organizations where event_id = ?", [event_id])
        db.execute("delete from occurrence_overrides where event_id = ?", [event_id])
        db.execute("update agreements set review_series_event_id = null where review_series_event_id = ?",
                   [event_id])
        db.execute("delete from events where id = ?", [event_id])
    audit.record(db, actor, "event", event_id, before["uid"], "delete", before, None)


def involved_organizations(db, fields: dict) -> set[str]:
    """Slugs of every organization an event (or its fields) involves: participants and the agreement's parties."""
    return set(fields.get("organizations") or []) | feed_versions.party_slugs(db, fields.get("agreement"))


def filter_clauses(db, filters: dict, event_id: str = "events.id") -> tuple[list[str], list]:
    """WHERE clauses over `events` for the list filters, shared by the event and occurrence listings.

    include_internal: True (every internal event), false (none) or organization slugs whose
    internal events the caller may read (a token limited to them). `event_id` is the expression
    the id tests use: a search gives the search key's id, tested before the event row is read.
    """
    where, params = [], []
    internal = filters.get("include_internal")
    if isinstance(internal, tuple) and internal:
        clause, clause_params = feed_versions.events_taking_part(organization_slugs=internal)
        where.append(f"(events.visibility = 'public' or {event_id} in ({clause}))")
        params += clause_params
    elif internal is not True:
        where.append("events.visibility = 'public'")
    if filters.get("organization"):
        organization_id = _id_or_404(db, "organizations", filters["organization"], "organization")
        taking_part, taking_part_params = feed_versions.events_taking_part(
            [organization_id], with_descendants=bool(filters.get("with_sub_units")))
        where.append(f"{event_id} in ({taking_part})")
        params += taking_part_params
    if filters.get("organization_ids") is not None:  # a feed's organizations by id (children included, say)
        taking_part, taking_part_params = feed_versions.events_taking_part(filters["organization_ids"])
        where.append(f"{event_id} in ({taking_part})")
        params += taking_part_params
    if filters.get("event_id"):
        where.append(f"{event_id} = ?")
        params.append(filters["event_id"])
    if filters.get("agreement"):
        where.append("events.agreement_id = ?")
        params.append(_id_or_404(db, "agreements", filters["agreement"], "agreement"))
    for column in ("kind", "status"):
        values = filters.get(column)
        if values:
            where.append(f"events.{column} in ({','.join('?' * len(values))})")
            params += list(values)
    if filters.get("q"):
        clause, clause_params = search_clause("events", filters["q"])
        where.append(clause)
        params += clause_params
    if filters.get("from"):
        where.append("(events.range_end is null or events.range_end > ?)")
        params.append(to_stored(filters["from"]))
    if filters.get("to"):
        where.append("events.range_start < ?")
        params.append(to_stored(filters["to"]))
    return where, params


def _id_or_404(db, table: str, slug: str, label: str) -> int:
    found = db.execute(f"select id from {table} where slug = ?", [slug]).fetchone()
    if not found:
        raise NotFoundError(f"No {label} with slug '{slug}'.")
    return found[0]


def schedule_fields(db, event_ids) -> dict[int, dict]:
    """The weekly schedule's fields (chair, attendees, preparation, note, emphasis) by event id, in one query."""
    ids = sorted(set(event_ids))
    if not ids:
        return {}
    rows = db.query(f"select * from events where id in ({','.join('?' * len(ids))})", ids)
    return {event.id: {**event.schedule(), "emphasis": event.emphasis} for event in readable(rows).values()}


def stored_to_fields(row: dict) -> dict:
    """Typed fields of a stored event, in the shape create() and update() take."""
    return StoredEvent.from_row(row).fields()
