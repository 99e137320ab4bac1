"""The holidays feed as iCalendar: rows in, bytes out (no Flask, no database)."""

from datetime import date, timedelta
from typing import Iterable, Mapping

from icalendar import Event
from icalendar.enums import TRANSP

from ..clock import from_stored
from .ical_builder import CALENDAR_FOOTER, CalendarMeta, calendar_header

UID_DOMAIN = "calendar-app"
KIND_WORDS = {"holiday": "Ngày lễ, Tết", "day_off": "Ngày nghỉ bù", "working_day": "Ngày làm bù"}


def holiday_to_ical(row: Mapping) -> bytes:
    """One day as an all-day VEVENT; days off are busy-free (TRANSP), and the UID and stamp come from the row."""
    day = date.fromisoformat(row["day"])
    ev = Event.new(uid=f"holiday-{row['id']}@{UID_DOMAIN}", stamp=from_stored(row["updated_at"]),
                   start=day, end=day + timedelta(days=1), summary=row["name"], transparency=TRANSP.TRANSPARENT,
                   categories=[KIND_WORDS[row["kind"]]])
    return ev.to_ical()


def holidays_to_ical(meta: CalendarMeta, rows: Iterable[Mapping]) -> bytes:
    """The whole feed: calendar properties, then one VEVENT per row (no time zone needed: all-day)."""
    return calendar_header(meta, ()) + b"".join(holiday_to_ical(row) for row in rows) + CALENDAR_FOOTER
