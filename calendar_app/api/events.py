"""/api/v1/events and /api/v1/occurrences: events by id, lists, nested reads, expansion."""

from flask import current_app, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import Identity, may_read, readable_internal, require_involvement
from ..db import get_db
from ..errors import NotFoundError, ValidationFailed
from ..links import absolute, event_ics_path
from ..repositories import events, holidays, occurrences, search
from ..schemas.events import (EventInSchema, EventListSchema, EventQuerySchema, EventSchema,
                              OccurrenceListSchema, OccurrenceQuerySchema)
from ..schemas.holidays import EventWrittenSchema
from ..schemas.windows import check_length
from . import event_json
from .common import check_if_match, envelope, etag_of, writing

blp = Blueprint("events", __name__, description="Ceremonies, workshops, volunteer programs and review meetings")

INPUT_FIELDS = tuple(EventInSchema().fields)
TIMED_ONLY, ALL_DAY_ONLY = ("starts_at", "ends_at"), ("start_date", "end_date")
# Instances, not classes: webargs would build a schema per request (a tenth of an uncached list's time).
EVENT_QUERY, OCCURRENCE_QUERY = EventQuerySchema(), OccurrenceQuerySchema()


def with_links(event: dict) -> dict:
    return {**event, "ics_url": absolute(event_ics_path(event["id"]))}


def with_warnings(db, event: dict, before: dict | None) -> dict:
    """The written event, with "warnings" when it was created or moved onto a holiday or a weekend."""
    if before is not None and holidays.event_days(before) == holidays.event_days(event):
        return event  # not moved: nothing new to say
    found = holidays.warnings_for(db, event)
    return {**event, "warnings": found} if found else event


def _filters(query: dict, **fixed) -> dict:
    filters = {k: query.get(k) for k in ("organization", "agreement", "kind", "status", "q", "to")}
    filters["from"] = query.get("from_")
    filters["include_internal"] = readable_internal()
    filters.update(fixed)
    return filters


def _visible(db, event_id: int) -> dict:
    """Read one event; an internal one is invisible (404) to callers whose scope does not include it."""
    event = events.get(db, event_id)
    if not may_read(db, event):
        raise NotFoundError(f"No event with id {event_id}.")
    return with_links(event)


def _organizations_touched(db, fields: dict) -> set[str]:
    """Slugs of every organization a write affects: participants and the agreement's parties."""
    return events.involved_organizations(db, fields)


def _check_scope(db, identity: Identity, fields: dict) -> None:
    """The events API's scope rule, also applied by import: see auth.require_involvement."""
    if identity.organizations is not None:
        require_involvement(identity, _organizations_touched(db, fields))


def _list_response(query: dict, **fixed):
    total_limit = current_app.config["SEARCH_TOTAL_LIMIT"]
    kept, total = occurrences.list_events(get_db(), _filters(query, **fixed), query["limit"], query["offset"],
                                          represent=event_json.cache().represent, total_limit=total_limit)
    body = envelope(kept, total, query)  # its next link from the count, which goes past the page when more match
    if query.get("q"):
        body["total"], body["total_is_lower_bound"] = search.capped_total(total, total_limit)
    # The repository already gives the documented shape: skipping the schema dump halves a list's cost.
    return event_json.list_response(kept, body)


@blp.route("/events")
class Events(MethodView):
    @blp.arguments(EVENT_QUERY, location="query")
    @blp.response(200, EventListSchema)
    def get(self, query):
        """List events, filtered; from/to keep events with an occurrence in the window"""
        return _list_response(query)

    @blp.arguments(EventInSchema)
    @blp.response(201, EventWrittenSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, fields):
        """Create an event"""
        with writing() as (db, identity):
            _check_scope(db, identity, fields)
            created = with_links(events.create(db, fields, identity.actor))
            warned = with_warnings(db, created, None)
        return warned, 201, {"Location": url_for(".Event", event_id=created["id"], _external=True)}


@blp.route("/events/<int:event_id>")
class Event(MethodView):
    @blp.response(200, EventSchema)
    def get(self, event_id):
        """Read one event"""
        event = _visible(get_db(), event_id)
        return event, 200, {"ETag": etag_of(event)}

    @blp.arguments(EventInSchema(partial=True))
    @blp.response(200, EventWrittenSchema)
    @blp.doc(security=[{"bearer": []}])
    def patch(self, _partial, event_id):
        """Change some fields of an event (If-Match honoured); the result is validated whole"""
        with writing() as (db, identity):
            current = with_links(events.get(db, event_id))
            check_if_match(current)
            fields = _merged_fields(current, request.get_json())
            _check_scope(db, identity, {"organizations": current["organizations"], "agreement": current["agreement"]})
            _check_scope(db, identity, fields)
            updated = with_links(events.update(db, event_id, fields, identity.actor))
            warned = with_warnings(db, updated, current)
        return warned, 200, {"ETag": etag_of(updated)}

    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, event_id):
        """Delete an event (to keep it in feeds as cancelled, PATCH status=cancelled instead)"""
        with writing() as (db, identity):
            _check_scope(db, identity, events.links(db, event_id))  # links: an unreadable event stays deletable
            events.delete(db, event_id, identity.actor)
        return None


def _merged_fields(current: dict, changes: dict) -> dict:
    """Lay the sent fields over the stored event and validate the whole (all errors at once)."""
    merged = {k: current[k] for k in INPUT_FIELDS if k in current}
    if "all_day" in changes and bool(changes["all_day"]) != current["all_day"]:
        for key in (ALL_DAY_ONLY if current["all_day"] else TIMED_ONLY):
            merged.pop(key, None)
    merged.update(changes)
    merged = {k: v for k, v in merged.items() if v is not None or k in changes}
    errors = EventInSchema().validate(merged)
    if errors:
        raise ValidationFailed(errors)
    return EventInSchema().load(merged)


@blp.route("/organizations/<slug>/events")
class OrganizationEvents(MethodView):
    @blp.arguments(EVENT_QUERY, location="query")
    @blp.response(200, EventListSchema)
    def get(self, query, slug):
        """Events an organization takes part in, directly or through an agreement"""
        return _list_response(query, organization=slug)


@blp.route("/agreements/<slug>/events")
class AgreementEvents(MethodView):
    @blp.arguments(EVENT_QUERY, location="query")
    @blp.response(200, EventListSchema)
    def get(self, query, slug):
        """Events linked to an agreement"""
        return _list_response(query, agreement=slug)


@blp.route("/occurrences")
class Occurrences(MethodView):
    @blp.arguments(OCCURRENCE_QUERY, location="query")
    @blp.response(200, OccurrenceListSchema)
    def get(self, query):
        """Occurrences inside [from, to), recurring events expanded, sorted by start"""
        check_length(query["from_"], query["to"], ("from", "to"))
        db = get_db()
        page, total = occurrences.occurrence_page(db, _filters(query), query["limit"], query["offset"],
                                                  current_app.config["OCCURRENCE_MAX_RESULTS"])
        # Already in OccurrenceListSchema's shape, from the kept JSON of each event's occurrences.
        return event_json.occurrences_response(db, page, lambda items: envelope(items, total, query))
