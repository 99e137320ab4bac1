"""One occurrence of a series as a client changes it, and as the API returns it."""

from marshmallow import Schema, fields, validate

from .common import Day, Text
from .events import EVENT_STATUSES, STATUS_REASON_DOC, Instant


class OverrideInSchema(Schema):
    """New values for one occurrence; a field left out (or null) keeps the series' value."""

    status = fields.String(load_default="confirmed", validate=validate.OneOf(EVENT_STATUSES))
    status_reason = Text(allow_none=True, max_length=500, metadata=STATUS_REASON_DOC)
    starts_at = Instant(allow_none=True, metadata={"example": "2026-09-16T09:00:00+07:00"})
    ends_at = Instant(allow_none=True)
    start_date = Day(allow_none=True, metadata={"description": "All-day series only"})
    end_date = Day(allow_none=True, metadata={"description": "All-day series only; last day, inclusive"})
    title = Text(allow_none=True, min_length=1, max_length=300)
    location = Text(allow_none=True, max_length=500)
    description = Text(allow_none=True, multiline=True, max_length=20000)


class OverrideSchema(Schema):
    """An overridden occurrence; times in the event's own zone."""

    event_id = fields.Integer(required=True)
    uid = fields.String(required=True)
    recurrence_id = fields.String(required=True, metadata={"description": "Original start of the occurrence"})
    status = fields.String(required=True)
    status_reason = fields.String(allow_none=True)
    starts_at = fields.String(allow_none=True)
    ends_at = fields.String(allow_none=True)
    start_date = fields.String(allow_none=True)
    end_date = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    location = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    sequence = fields.Integer(required=True)
    updated_at = fields.String(required=True)
    problem = fields.String(metadata={"description": "Only on a stored override whose new time cannot be shown "
                                                     "in the event's zone (times then as stored, UTC)"})


class OverrideListSchema(Schema):
    items = fields.List(fields.Nested(OverrideSchema), required=True)
