"""An event's time as it is stored (UTC text, local dates, IANA zone); stored_event.StoredEvent reads it back."""

import json
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from .clock import to_stored
from .recurrence import series_end


@lru_cache(maxsize=None)
def known_timezones() -> frozenset[str]:
    """The IANA names tzdata knows; anything else is refused at the door."""
    return frozenset(available_timezones())


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """Return the ZoneInfo for an IANA name, cached."""
    return ZoneInfo(name)


def day_start(day: date, tz: str) -> datetime:
    """Midnight of a local day as an aware datetime in the zone."""
    return datetime.combine(day, time(0), zone(tz))


def stored_exdates(values: list, all_day: bool) -> str:
    """Write skipped occurrences as JSON text, sorted and without repeats."""
    if all_day:
        items = sorted({v.isoformat() for v in values})
    else:
        items = sorted({to_stored(v) for v in values})
    return json.dumps(items)


def stored_range(fields: dict) -> tuple[str, str | None]:
    """Return (range_start, range_end) in UTC text: the span from the first start to the last end.

    range_end is None for a series without end; SQL uses the pair to find candidate
    events for a window before any recurrence is expanded.
    """
    tz = fields["timezone"]
    if fields["all_day"]:
        start = day_start(fields["start_date"], tz)
        duration = fields["end_date"] - fields["start_date"] + timedelta(days=1)
        first = fields["start_date"]
    else:
        start = fields["starts_at"]
        duration = fields["ends_at"] - fields["starts_at"]
        first = fields["starts_at"]
    last_end = series_end(first, duration, fields.get("rrule"), fields.get("exdates") or [])
    if last_end is None:
        return to_stored(start), None
    if isinstance(last_end, datetime):
        return to_stored(start), to_stored(last_end)
    return to_stored(start), to_stored(day_start(last_end, tz))


def local_iso(value: datetime | date | None) -> str | None:
    """ISO 8601 text of a local value (datetimes carry their offset)."""
    return value.isoformat() if value is not None else None
