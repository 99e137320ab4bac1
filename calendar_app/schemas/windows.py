"""Date-window query arguments: a day (midnight in `tz`) or an instant, read the same way by every window.

`/api/v1/events`, `/api/v1/occurrences` and the FullCalendar feed take their window edges through
`WindowBound` and resolve them with `resolve_window`, so "2027-03-01" means one instant everywhere.
"""

from datetime import date, datetime

from flask import current_app
from marshmallow import ValidationError, fields, validate

from .. import settings
from ..errors import BadRequest
from ..eventtime import day_start, known_timezones, zone
from .common import check_year

EXAMPLE_TIMEZONE = "Asia/Ho_Chi_Minh"
BOUND_MESSAGE = "Not a date (YYYY-MM-DD) or a date-time with an offset (YYYY-MM-DDTHH:MM:SS+07:00)."


def parse_bound(value, local_times: bool = False) -> date | datetime:
    """A date, an aware datetime or (only when `local_times`) a naive one; ValueError otherwise."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(BOUND_MESSAGE)
    text = value.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)  # ValueError for a bad day
        check_year(day)
        return day
    moment = datetime.fromisoformat(text.replace("z", "Z"))
    if moment.tzinfo is None and not local_times:
        raise ValueError(BOUND_MESSAGE)
    check_year(moment)
    return moment


class WindowBound(fields.Field):
    """A window edge: a date (midnight in the window's zone) or an ISO 8601 date-time with an offset.

    With local_times=True a date-time without offset is also taken, in the window's zone (the form
    FullCalendar sends when it is given a named time zone).
    """

    def __init__(self, *args, local_times: bool = False, **kwargs):
        self.local_times = local_times
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("type", "string")
        metadata.setdefault("example", "2027-03-01")
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_bound(value, self.local_times)
        except ValidationError:
            raise
        except (ValueError, TypeError, OverflowError):
            raise ValidationError(BOUND_MESSAGE) from None


ZONE_NAME_MAX = 64  # longer than any IANA name (schemas.events.plain_query reads it too)


class ZoneName(fields.String):
    """An IANA zone name, defaulting to the setting DEFAULT_TIMEZONE."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("load_default", settings.default_timezone)
        kwargs.setdefault("metadata", {}).update({
            "description": "IANA zone of dates given without a time; the setting DEFAULT_TIMEZONE unless given",
            "default": settings.DEFAULTS["DEFAULT_TIMEZONE"], "example": EXAMPLE_TIMEZONE})
        super().__init__(*args, validate=validate.Length(max=ZONE_NAME_MAX), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        if name not in known_timezones():
            raise ValidationError(f"Unknown time zone '{name}'; use an IANA name such as {EXAMPLE_TIMEZONE}.")
        return name


def resolve_bound(value: date | datetime | None, tz: str) -> datetime | None:
    """The instant a parsed edge names: a day's midnight or a naive time in `tz`, an aware one as given."""
    if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=zone(tz))
    return day_start(value, tz)


def check_window(data: dict, keys: tuple[str, str], tz_key: str = "tz") -> None:
    """Refuse a window that ends before it starts (a client mistake, not an empty answer)."""
    tz = data.get(tz_key) or settings.default_timezone()
    start, end = (resolve_bound(data.get(key), tz) for key in keys)
    if start is not None and end is not None and end <= start:
        raise ValidationError({keys[1]: [f"Must be after {keys[0].rstrip('_')}."]})


def resolve_window(data: dict, keys: tuple[str, str], tz_key: str = "tz") -> dict:
    """`data` with both edges as instants (called once the schema has validated them)."""
    tz = data.get(tz_key) or settings.default_timezone()
    return {**data, **{key: resolve_bound(data[key], tz) for key in keys if key in data}}


def check_length(start: datetime, end: datetime, names: tuple[str, str]) -> None:
    """Refuse a window longer than OCCURRENCE_WINDOW_MAX_DAYS (400 naming the arguments, start and end)."""
    max_days = current_app.config["OCCURRENCE_WINDOW_MAX_DAYS"]
    if (end - start).days > max_days:
        raise BadRequest(f"The window is longer than {max_days} days; ask for a shorter one.",
                         {names[1]: [f"At most {max_days} days after {names[0]}."]})
