"""Holidays in and out of the API."""

from marshmallow import Schema, fields, validate

from .common import Day, ListEnvelopeSchema, PageQuerySchema, Text
from .events import EventSchema
from .overrides import OverrideSchema

# working_day: a Saturday or Sunday that is worked in exchange for a day off.
HOLIDAY_KINDS = ("holiday", "day_off", "working_day")


class HolidayInSchema(Schema):
    """A holiday, make-up day off or weekend working day as an editor sends it."""

    day = Day(required=True, metadata={"example": "2027-02-06"})
    name = Text(required=True, min_length=1, max_length=200, metadata={"example": "Tết Nguyên Đán"})
    kind = fields.String(load_default="holiday", validate=validate.OneOf(HOLIDAY_KINDS), metadata={
        "description": "holiday; day_off (nghỉ bù, a swapped day off); working_day (a weekend day that is worked)"})


class HolidaySchema(Schema):
    id = fields.Integer(required=True)
    day = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    source = fields.String(required=True, metadata={"description": "holidays (seeded from the package) or editor"})
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)


class HolidayListSchema(ListEnvelopeSchema):
    items = fields.List(fields.Nested(HolidaySchema), required=True)


class HolidayQuerySchema(PageQuerySchema):
    year = fields.Integer(validate=validate.Range(1900, 2200))


class DayWarningSchema(Schema):
    """An event falls on a day that is not worked: said, never refused."""

    day = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "holiday, day_off or weekend"})
    name = fields.String(allow_none=True, required=True, metadata={"description": "The holiday's name; null on a weekend"})
    message = fields.String(required=True)


class EventWrittenSchema(EventSchema):
    """An event as a create or a change returns it, with warnings when it falls on a holiday or a weekend."""

    warnings = fields.List(fields.Nested(DayWarningSchema), metadata={"description": "Only present when not empty"})


class OverrideWrittenSchema(OverrideSchema):
    """An occurrence as a change returns it, with warnings when it was moved onto a holiday or a weekend."""

    warnings = fields.List(fields.Nested(DayWarningSchema), metadata={"description": "Only present when not empty"})
