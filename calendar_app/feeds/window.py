"""Which part of the calendar a feed covers on a given day: the past cut-off and cancelled retention."""

from datetime import date, datetime, time, timedelta, timezone

from ..clock import to_stored, utc_now
from ..eventtime import zone


def today() -> date:
    """The UTC date feeds are cut at; a feed's bytes depend on it, so its ETag does too."""
    return utc_now().date()


def past_cutoff(day: date, past_days: int, since: date | None, tz: str) -> str:
    """Stored UTC text: events ending before it are left out (since= moves it to that local day)."""
    if since is not None:
        return to_stored(datetime.combine(since, time(0), zone(tz)))
    return to_stored(datetime.combine(day - timedelta(days=past_days), time(0), timezone.utc))


def cancelled_cutoff(day: date, retention_days: int) -> str:
    """Stored UTC text: events cancelled before it have been shown long enough and drop out."""
    return to_stored(datetime.combine(day - timedelta(days=retention_days), time(0), timezone.utc))


def day_start(day: date) -> datetime:
    """Midnight UTC of the day: no windowed feed changed before it without a write."""
    return datetime.combine(day, time(0), timezone.utc)
