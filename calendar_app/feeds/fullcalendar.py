"""A FullCalendar event source: `/feeds/organizations/<slug>.json?start=…&end=…[&timeZone=…]`.

FullCalendar asks with its own parameters: `start`/`end` as ISO 8601 dates, date-times with an
offset, or (when its `timeZone` is a named zone) local date-times without one plus `timeZone`.
The answer is its event-object array; `end` is exclusive (for all-day events the day after the
last). Timed events are given with their offset, or in `timeZone`'s local time when one was
sent (FullCalendar reads offset-less times in its own zone). The filters and the `?token=` rule
are the .ics feed's; the window is bounded like /api/v1/occurrences. Validators come from the
organization's feed_versions stamp, never from the body.

Without start and end the window is the .ics feed's: FEED_PAST_DAYS back to FEED_EXPAND_DAYS ahead of
today (UTC). That is the answer publish-feeds writes as a static file: nginx ignores the query, and
FullCalendar keeps the events of the view it shows from whatever it receives.
"""

from datetime import date, datetime, timedelta

from flask import Response, current_app, json, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema
from werkzeug.http import http_date

from .. import validators
from ..clock import from_stored
from ..db import get_db
from ..eventtime import zone
from ..links import absolute
from ..repositories import feed_versions, occurrences
from ..schemas import windows
from . import window
from .cache import Entry
from .params import FeedParams, parse
from .routes import organization_access

NAMES = ("start", "end")
FEED_FILTERS = {"kind": "Comma-separated or repeated event kinds", "cancelled": "'hide' leaves cancelled ones out",
                "tentative": "'hide' leaves tentative ones out", "include": "'children' adds descendants' events",
                "token": "The organization's private feed token: internal events too"}

blp = Blueprint("fullcalendar", __name__, description="FullCalendar event sources (outside /api/v1, like the feeds)")


class FullCalendarQuerySchema(Schema):
    """FullCalendar's startParam, endParam and timeZoneParam, and the .ics feed's filters (checked by feeds.params)."""

    class Meta:
        unknown = EXCLUDE  # FullCalendar may add its own (a cache buster, say)

    start = windows.WindowBound(local_times=True, metadata={
        "description": "Window start as FullCalendar sends it: a date, a date-time with an offset, or a local "
                       "date-time in timeZone; without start and end, the .ics feed's window"})
    end = windows.WindowBound(local_times=True, metadata={"description": "Window end, exclusive"})
    timeZone = windows.ZoneName(load_default=None)  # noqa: N815 (FullCalendar's name)
    kind = fields.String(metadata={"description": FEED_FILTERS["kind"]})
    cancelled = fields.String(metadata={"description": FEED_FILTERS["cancelled"]})
    tentative = fields.String(metadata={"description": FEED_FILTERS["tentative"]})
    include = fields.String(metadata={"description": FEED_FILTERS["include"]})
    token = fields.String(metadata={"description": FEED_FILTERS["token"]})

    @validates_schema
    def check_window(self, data, **_kwargs):
        if (data.get("start") is None) != (data.get("end") is None):
            missing = "end" if data.get("end") is None else "start"
            raise ValidationError({missing: ["Give start and end together, or neither (the feed's window)."]})
        windows.check_window(data, NAMES, tz_key="timeZone")


class EventPropsSchema(Schema):
    kind = fields.String(required=True)
    status = fields.String(required=True)
    agreement = fields.String(allow_none=True, required=True)
    location = fields.String(allow_none=True, required=True)
    organizations = fields.List(fields.String(), required=True)
    event_id = fields.Integer(required=True)
    recurrence_id = fields.String(required=True)


class EventObjectSchema(Schema):
    """A FullCalendar event object."""

    id = fields.String(required=True, metadata={"description": "<event id>:<recurrence id>"})
    groupId = fields.String(required=True)  # noqa: N815
    title = fields.String(required=True)
    start = fields.String(required=True)
    end = fields.String(required=True, metadata={"description": "Exclusive (all-day: the day after the last)"})
    allDay = fields.Boolean(required=True)  # noqa: N815
    url = fields.String(required=True)
    extendedProps = fields.Nested(EventPropsSchema, required=True)  # noqa: N815


QUERY = FullCalendarQuerySchema()


def read_window(query: dict) -> tuple[datetime, datetime, str | None]:
    """(start, end, the asked zone or None) from FullCalendar's parsed arguments; 400 for too long a window."""
    if query.get("start") is None:
        return (*feed_window(window.today()), query.get("timeZone"))
    resolved = windows.resolve_window(query, NAMES, tz_key="timeZone")
    windows.check_length(resolved["start"], resolved["end"], NAMES)
    return resolved["start"], resolved["end"], query.get("timeZone")


def feed_window(day: date) -> tuple[datetime, datetime]:
    """The .ics feed's window on this UTC day: FEED_PAST_DAYS back, FEED_EXPAND_DAYS ahead."""
    config = current_app.config
    midnight = window.day_start(day)
    return midnight - timedelta(days=config["FEED_PAST_DAYS"]), midnight + timedelta(days=config["FEED_EXPAND_DAYS"])


def event_object(item: dict, asked_zone: str | None) -> dict:
    """One occurrence as a FullCalendar event object."""
    if item["all_day"]:
        start = item["start_date"]
        end = (date.fromisoformat(item["end_date"]) + timedelta(days=1)).isoformat()  # exclusive
    else:
        start, end = (_in_zone(item[key], asked_zone) for key in ("starts_at", "ends_at"))
    return {
        "id": f"{item['event_id']}:{item['recurrence_id']}", "groupId": str(item["event_id"]),
        "title": item["title"], "start": start, "end": end, "allDay": item["all_day"],
        "url": absolute(f"/events/{item['event_id']}"),
        "extendedProps": {"kind": item["kind"], "status": item["status"], "agreement": item["agreement"],
                          "location": item["location"], "organizations": item["organizations"],
                          "event_id": item["event_id"], "recurrence_id": item["recurrence_id"]},
    }


def _in_zone(value: str, asked_zone: str | None) -> str:
    moment = datetime.fromisoformat(value)
    if asked_zone is None:
        return value
    return moment.astimezone(zone(asked_zone)).replace(tzinfo=None).isoformat()


def _selection(db, row, params: FeedParams, private: bool) -> dict:
    ids = feed_versions.descendants(db, [row.id]) if params.include_children else (row.id,)
    return {"organization_ids": list(ids), "kind": list(params.kinds), "include_internal": private}


@blp.route("/feeds/organizations/<slug>.json")
class OrganizationEventSource(MethodView):
    @blp.arguments(QUERY, location="query")
    @blp.response(200, EventObjectSchema(many=True))
    def get(self, query, slug):
        """An organization's occurrences in [start, end) as FullCalendar event objects; ?token= adds internal ones"""
        return organization_event_source(slug, query)


def organization_event_source(slug: str, query: dict) -> Response:
    params = parse(request.args)
    start, end, asked_zone = read_window(query)
    db = get_db()
    row, private = organization_access(db, slug)
    stamp = row.full if private else row.public
    config = current_app.config
    # The window as resolved: without start and end it moves with the day.
    tag = validators.etag("fullcalendar", request.full_path, absolute(""), stamp.scope, stamp.version,
                          stamp.changed_at, int(private), params.key(), config["DEFAULT_TIMEZONE"],
                          config["OCCURRENCE_MAX_RESULTS"], start.isoformat(), end.isoformat())
    moments = [m for m in (from_stored(stamp.changed_at),) if m]
    if query.get("start") is None:
        moments.append(window.day_start(window.today()))
    last_modified = max(moments) if moments else window.day_start(window.today())
    headers = {"ETag": tag, "Last-Modified": http_date(last_modified),
               "Cache-Control": validators.cache_control(config, private)}
    if validators.not_modified(request.environ, tag, last_modified):
        return Response(status=304, headers=headers, mimetype="application/json")
    # Kept by its ETag, which names everything the body depends on: without start and end a source
    # is a year and more of occurrences (seconds to build for a busy organization), asked again by
    # every portal page that embeds it.
    kept = current_app.extensions["feed_cache"]
    entry = kept.fresh(f"fullcalendar|{tag}", ())
    if entry is None:
        limit = config["OCCURRENCE_MAX_RESULTS"]
        filters = {**_selection(db, row, params, private), "from": start, "to": end}
        items, _total = occurrences.list_occurrences(db, filters, limit, 0, limit)
        hidden = params.hidden_statuses
        body = json.dumps([event_object(item, asked_zone) for item in items if item["status"] not in hidden])
        entry = Entry((), tag, last_modified, body.encode())
        kept.put(f"fullcalendar|{tag}", entry)
    return Response(entry.body, headers=headers, mimetype="application/json")
