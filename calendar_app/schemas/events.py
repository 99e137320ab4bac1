"""Events in and out of the API, with the cross-field rules of time, zone and recurrence."""

from datetime import date, datetime, time, timedelta

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .. import settings
from ..eventtime import known_timezones, zone
from ..recurrence import RecurrenceError, first_occurrence_between, normalize_rrule, series_end
from ..stored_event import SCHEDULE_FIELDS
from .common import (EARLIEST_YEAR, LATEST_YEAR, OFFSET_MAX, CommaList, Day, ListEnvelopeSchema, PageQuerySchema,
                     Slug, Text, WebUrl, check_year)
from . import windows
from .windows import EXAMPLE_TIMEZONE, WindowBound, ZoneName

EVENT_KINDS = ("signing_ceremony", "joint_workshop", "volunteer_program", "review_meeting", "other")
EVENT_STATUSES = ("confirmed", "tentative", "cancelled", "postponed")
# The statuses of an event or occurrence that will not take place at its listed time.
WITHDRAWN_STATUSES = ("cancelled", "postponed")
STATUS_REASON_DOC = {"description": "Why it was cancelled or postponed (optional); cleared when status is confirmed",
                     "example": "Lãnh đạo bận họp đột xuất"}
VISIBILITIES = ("public", "internal")


class Instant(fields.AwareDateTime):
    """An ISO 8601 date-time with an offset, within the years the calendar handles."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        check_year(moment)
        return moment


class EventInSchema(Schema):
    """An event as a client sends it. Timed events give starts_at/ends_at, all-day ones dates."""

    title = Text(required=True, min_length=1, max_length=300, metadata={"example": "Lễ ký kết chương trình phối hợp"})
    kind = fields.String(required=True, validate=validate.OneOf(EVENT_KINDS))
    agreement = Slug(allow_none=True)
    organizations = fields.List(Slug(), load_default=list, validate=validate.Length(max=100))
    description = Text(allow_none=True, multiline=True, max_length=20000)
    location = Text(allow_none=True, max_length=500)
    url = WebUrl(allow_none=True)
    # The weekly schedule's columns (lịch công tác tuần); one line each, so a feed's DESCRIPTION line holds one.
    chair = Text(allow_none=True, max_length=500, metadata={
        "description": "Who presides (chủ trì)", "example": "Đ/c Bí thư Đảng ủy Khối"})
    attendees = Text(allow_none=True, max_length=2000, metadata={
        "description": "Who attends (thành phần)", "example": "Thường trực Đảng ủy Khối; lãnh đạo các ban"})
    preparation = Text(allow_none=True, max_length=500, metadata={
        "description": "The unit that prepares the content (chuẩn bị)", "example": "Văn phòng Đảng ủy Khối"})
    note = Text(allow_none=True, max_length=2000, metadata={"description": "A note for the schedule (ghi chú)"})
    emphasis = fields.Boolean(load_default=False, metadata={"description": "Shown in bold on the weekly schedule"})
    status = fields.String(load_default="confirmed", validate=validate.OneOf(EVENT_STATUSES))
    status_reason = Text(allow_none=True, max_length=500, metadata=STATUS_REASON_DOC)
    visibility = fields.String(load_default="public", validate=validate.OneOf(VISIBILITIES))
    all_day = fields.Boolean(load_default=False)
    starts_at = Instant(allow_none=True, metadata={"example": "2020-03-05T14:00:00+07:00"})
    ends_at = Instant(allow_none=True, metadata={"example": "2020-03-05T16:00:00+07:00"})
    timezone = fields.String(load_default=settings.default_timezone, validate=validate.Length(max=64),
                             metadata={"description": "IANA time zone name; the setting DEFAULT_TIMEZONE unless given",
                                       "default": settings.DEFAULTS["DEFAULT_TIMEZONE"], "example": EXAMPLE_TIMEZONE})
    start_date = Day(allow_none=True)
    end_date = Day(allow_none=True, metadata={"description": "Last day, inclusive"})
    rrule = fields.String(allow_none=True, validate=validate.Length(max=500),
                          metadata={"example": "FREQ=MONTHLY;INTERVAL=6;UNTIL=20250305T000000Z"})
    exdates = fields.List(fields.String(validate=validate.Length(max=40)), load_default=list,
                          validate=validate.Length(max=1000),
                          metadata={"description": "Skipped occurrences: date-times (timed) or dates (all-day)"})

    # Runs even when single fields failed, so a form shows "end before start" together with
    # "title missing"; fields that failed on their own are left out of the cross-field checks.
    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def check_whole(self, data, original_data, partial=None, **_kwargs):
        """Check time, zone and recurrence together; report every problem at once."""
        if partial or not isinstance(original_data, dict):
            return  # a PATCH is checked again whole, once merged; a body that is no object already failed
        failed = {k for k in original_data if k in self.fields and k not in data}
        errors = {}
        tz_name = data.get("timezone") or settings.default_timezone()
        if "timezone" not in failed and tz_name not in known_timezones():
            errors["timezone"] = [f"Unknown time zone '{tz_name}'; use an IANA name such as {EXAMPLE_TIMEZONE}."]
        if "all_day" not in failed:
            errors.update(_check_all_day(data, failed) if data.get("all_day") else _check_timed(data, failed))
        if errors:
            raise ValidationError(errors)
        if failed & {"all_day", "starts_at", "start_date", "timezone", "rrule", "exdates"}:
            return  # the field errors already say what to fix; recurrence needs a valid start
        start = data["start_date"] if data.get("all_day") else data["starts_at"].astimezone(zone(tz_name))
        recurrence_errors = _check_recurrence(data, start, tz_name)
        if recurrence_errors:
            raise ValidationError(recurrence_errors)

    @post_load
    def to_fields(self, data, partial=None, **_kwargs):
        """Return the typed fields repositories take: local times in the event's own zone."""
        if partial:
            return data
        tz = zone(data["timezone"])
        all_day = data["all_day"]
        if all_day:
            data["end_date"] = data.get("end_date") or data["start_date"]
            data["starts_at"] = data["ends_at"] = None
            start = data["start_date"]
        else:
            data["starts_at"] = data["starts_at"].astimezone(tz)
            data["ends_at"] = data["ends_at"].astimezone(tz)
            data["start_date"] = data["end_date"] = None
            start = data["starts_at"]
        data["exdates"] = [_parse_exdate(v, all_day, tz) for v in data.get("exdates") or []]
        data["rrule"] = normalize_rrule(data["rrule"], start) if data.get("rrule") else None
        for key in ("description", "location", "url", "agreement", *SCHEDULE_FIELDS):
            data[key] = data.get(key) or None
        # A reason belongs to a withdrawn or tentative event: restoring to confirmed drops it.
        data["status_reason"] = (data.get("status_reason") or None) if data["status"] != "confirmed" else None
        return data


def _check_all_day(data: dict, failed: set) -> dict:
    errors = {}
    if not data.get("start_date"):
        if "start_date" not in failed:
            errors["start_date"] = ["Required for an all-day event."]
    elif data.get("end_date") and data["end_date"] < data["start_date"]:
        errors["end_date"] = ["Must not be before start_date."]
    for key in ("starts_at", "ends_at"):
        if data.get(key):
            errors[key] = ["Leave empty for an all-day event; use start_date and end_date."]
    return errors


def _check_timed(data: dict, failed: set) -> dict:
    errors = {}
    for key in ("starts_at", "ends_at"):
        if not data.get(key) and key not in failed:
            errors[key] = ["Required unless all_day is true."]
    if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
        errors["ends_at"] = ["Must be after starts_at."]
    for key in ("start_date", "end_date"):
        if data.get(key):
            errors[key] = ["Only for all-day events; use starts_at and ends_at."]
    return errors


def _check_recurrence(data: dict, start, tz_name: str) -> dict:
    errors = {}
    if data.get("rrule"):
        try:
            normalize_rrule(data["rrule"], start)
        except RecurrenceError as error:
            errors["rrule"] = [str(error)]
    bad = {}
    for index, value in enumerate(data.get("exdates") or []):
        try:
            _parse_exdate(value, data.get("all_day"), zone(tz_name))
        except ValueError:
            bad[index] = ["Not a valid " + ("date (YYYY-MM-DD)." if data.get("all_day")
                                            else "date-time (YYYY-MM-DDTHH:MM:SS+07:00).")]
    if bad:
        errors["exdates"] = bad
    if data.get("exdates") and not data.get("rrule"):
        errors.setdefault("exdates", ["Only a recurring event (with rrule) can skip occurrences."])
    if data.get("exdates") and not errors and _skips_everything(data, start, zone(tz_name)):
        errors["exdates"] = ["These EXDATEs remove every occurrence of the series; delete the event instead."]
    return errors


def _skips_everything(data: dict, start, tz) -> bool:
    """Tell whether the EXDATEs leave the series no occurrence (an event no feed or page can show)."""
    all_day = data.get("all_day")
    if all_day:
        duration = timedelta(days=((data.get("end_date") or start) - start).days + 1)
        window_start = datetime.combine(start, time(), tz)
    else:
        duration, window_start = data["ends_at"] - data["starts_at"], start
    end = series_end(start, duration, data["rrule"])
    if end is None:  # no COUNT or UNTIL: look as far as any date the calendar takes
        window_end = datetime(LATEST_YEAR + 1, 1, 1, tzinfo=tz)
    else:
        window_end = datetime.combine(end, time(), tz) if all_day else end
    exdates = [_parse_exdate(value, all_day, tz) for value in data["exdates"]]
    return first_occurrence_between(start, duration, data["rrule"], exdates, window_start, window_end,
                                    zone=tz) is None


def _parse_exdate(value: str, all_day: bool, tz) -> date | datetime:
    """Read one skipped occurrence; naive date-times are in the event's zone."""
    if all_day:
        return date.fromisoformat(value)
    moment = datetime.fromisoformat(value)
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValueError("year out of range")
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


class EventFactsSchema(Schema):
    """What an event and each of its occurrences both say about it, declared once for the two."""

    uid = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    status_reason = fields.String(allow_none=True)
    agreement = fields.String(allow_none=True)
    organizations = fields.List(fields.String(), required=True)
    location = fields.String(allow_none=True)
    all_day = fields.Boolean(required=True)
    timezone = fields.String(required=True)


class EventSchema(EventFactsSchema):
    """An event as the API returns it; times in the event's own zone."""

    id = fields.Integer(required=True)
    description = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    chair = fields.String(allow_none=True)
    attendees = fields.String(allow_none=True)
    preparation = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    emphasis = fields.Boolean(required=True)
    visibility = fields.String(required=True)
    sequence = fields.Integer(required=True)
    starts_at = fields.String(allow_none=True, metadata={"description": "First start (timed events; null for all-day)"})
    ends_at = fields.String(allow_none=True, metadata={"description": "Exclusive end (timed events; null for all-day)"})
    start_date = fields.String(allow_none=True, metadata={"description": "First day (all-day events; null for timed)"})
    end_date = fields.String(allow_none=True,
                             metadata={"description": "Last day, inclusive (all-day events; null for timed)"})
    rrule = fields.String(allow_none=True)
    exdates = fields.List(fields.String(), required=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)
    ics_url = fields.String(required=True)


class EventListSchema(ListEnvelopeSchema):
    items = fields.List(fields.Nested(EventSchema), required=True)
    total_is_lower_bound = fields.Boolean(metadata={
        "description": "Searches (q) only: true when more events match than `total`, which then is the "
                       "setting SEARCH_TOTAL_LIMIT (1,000 by default); follow `next` for further pages"})


class EventQuerySchema(PageQuerySchema):
    """Filters shared by event lists and occurrences."""

    organization = Slug(metadata={"description": "Direct participant or party of the linked agreement"})
    agreement = Slug()
    kind = CommaList(EVENT_KINDS)
    status = CommaList(EVENT_STATUSES)
    q = Text(max_length=200, metadata={
        "description": "Search: every word, as a prefix, insensitive to case and diacritics. An event list's "
                       "total then counts up to SEARCH_TOTAL_LIMIT (see total_is_lower_bound)"})
    from_ = WindowBound(data_key="from", metadata={
        "description": "Window start (events overlapping the window): a date (midnight in tz) or a date-time "
                       "with an offset"})
    to = WindowBound(metadata={"description": "Window end, exclusive: a date (midnight in tz) or a date-time "
                                              "with an offset"})
    tz = ZoneName()

    @validates_schema
    def check_window(self, data, **_kwargs):
        """A window that ends before it starts is a client mistake, not an empty answer."""
        windows.check_window(data, ("from_", "to"))

    @post_load
    def to_instants(self, data, **_kwargs):
        """Dates become midnight in tz: the repositories take instants."""
        return windows.resolve_window(data, ("from_", "to"))

    def load(self, data, *, many=None, partial=None, unknown=None):
        """The schema's load, or its answer computed directly when the query is the common plain one.

        Loading through marshmallow cost a tenth of an uncached list. `plain_query` gives the very
        value load() would for a window with paging and a zone, each given once and valid; anything
        else (another argument, a repeat, a value it does not take) goes through the schema, which
        alone writes the errors.
        """
        if many is None and partial is None:
            plain = plain_query(self, data)
            if plain is not None:
                return plain
        return super().load(data, many=many, partial=partial, unknown=unknown)


# The arguments plain_query reads, by data key; the others are the schema's alone.
PLAIN_ARGUMENTS = frozenset({"from", "to", "limit", "offset", "tz"})
_MAX_DIGITS = 9


def plain_query(schema: EventQuerySchema, data) -> dict | None:
    """What schema.load(data) answers for a plain window query, or None to let the schema read it."""
    arguments = getattr(data, "data", data)  # webargs hands over a proxy of the request's MultiDict
    if not hasattr(arguments, "lists"):
        return None
    given = {}
    for key, values in arguments.lists():
        if key not in PLAIN_ARGUMENTS or len(values) != 1 or not isinstance(values[0], str):
            return None
        given[key] = values[0]
    try:
        loaded = {"limit": _plain_int(given["limit"], 1, settings.list_limit_max()) if "limit" in given
                  else settings.list_limit_default(),
                  "offset": _plain_int(given["offset"], 0, OFFSET_MAX) if "offset" in given else 0}
        tz = given.get("tz")
        if tz is None:
            loaded["tz"] = settings.default_timezone()
        elif len(tz) <= windows.ZONE_NAME_MAX and tz in known_timezones():
            loaded["tz"] = tz
        else:
            return None
        for key, name in (("from", "from_"), ("to", "to")):
            if key in given:
                loaded[name] = windows.parse_bound(given[key])
            elif schema.fields[name].required:
                return None
        windows.check_window(loaded, ("from_", "to"))
    except (ValueError, TypeError, OverflowError, ValidationError):  # the schema will say what is wrong
        return None
    return windows.resolve_window(loaded, ("from_", "to"))


def _plain_int(text: str, low: int, high: int) -> int:
    """A decimal integer within [low, high], as fields.Integer and validate.Range take it; ValueError otherwise."""
    if not (text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS):
        raise ValueError(text)
    number = int(text)
    if not low <= number <= high:
        raise ValueError(text)
    return number


class OccurrenceQuerySchema(EventQuerySchema):
    from_ = WindowBound(data_key="from", required=True, metadata={
        "description": "Window start: a date (midnight in tz) or a date-time with an offset"})
    to = WindowBound(required=True, metadata={
        "description": "Window end, exclusive: a date (midnight in tz) or a date-time with an offset"})


class OccurrenceSchema(EventFactsSchema):
    """One occurrence of an event inside the asked window."""

    event_id = fields.Integer(required=True)
    starts_at = fields.String(allow_none=True, required=True,
                              metadata={"description": "Start in the event's zone (timed occurrences; null for all-day)"})
    ends_at = fields.String(allow_none=True, required=True,
                            metadata={"description": "Exclusive end in the event's zone (timed occurrences; null for all-day)"})
    start_date = fields.String(allow_none=True, required=True,
                               metadata={"description": "First day (all-day occurrences; null for timed)"})
    end_date = fields.String(allow_none=True, required=True,
                             metadata={"description": "Last day, inclusive (all-day occurrences; null for timed)"})
    recurrence_id = fields.String(required=True, metadata={
        "description": "The occurrence's original start (a date for all-day series): names it in "
                       "/events/{id}/occurrences/{recurrence_id}"})


class OccurrenceListSchema(ListEnvelopeSchema):
    items = fields.List(fields.Nested(OccurrenceSchema), required=True)
