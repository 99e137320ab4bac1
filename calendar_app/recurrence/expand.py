"""Bounded expansion of an event's series into the occurrences that overlap a window.

Expansion (``occurrences_between``) returns occurrences that overlap [window_start, window_end).
An occurrence of a timed event covers [start, start + duration), the duration added in wall-clock
time so every occurrence shows the same local times; a zero-length one counts when its start is
in the window. An all-day occurrence covers [first day 00:00, day after the last day 00:00) in the
event zone. More than ``limit`` overlapping occurrences raise TooManyOccurrences (the caller
answers 400: "ask for a shorter window"); so does a window spanning more than MAX_PERIODS_PER_QUERY
periods (days for DAILY, weeks for WEEKLY, ...) of a series, which bounds the work for sparse rules.

Cost: dateutil iterates from its DTSTART and stops only when it produces an occurrence after
UNTIL (a rule that matches nothing searches up to year 9999, about 3 s for DAILY). So expansion
re-anchors the rule at the period just before the window (same occurrences: the defaults taken
from DTSTART are written out explicitly), and shifts the dates by a multiple of 400 years (the
Gregorian cycle: same weekdays and leap years) so that the window ends within 400 years of year
9999, where dateutil gives up. A daily series started 50 years before a one-month window expands
in well under a millisecond; the worst case (a daily rule with no occurrence after the window)
iterates at most about 400 years of days, about 0.15 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from .rule import (_MAX_LOCAL, _UTC, RecurrenceError, _check_start, _compile, _expand, _local, _Series,
                   _start_key)

__all__ = [
    "MAX_OCCURRENCES_PER_QUERY",
    "MAX_PERIODS_PER_QUERY",
    "Occurrence",
    "TooManyOccurrences",
    "first_occurrence_between",
    "occurrences_between",
    "real_time",
    "series_end",
]

MAX_OCCURRENCES_PER_QUERY = 5000
# A window may span at most this many periods of a series: 100 years of a DAILY series.
MAX_PERIODS_PER_QUERY = 36525

_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366, "LUNAR_YEARLY": 385}  # a leap lunar year: 383-385


class TooManyOccurrences(RecurrenceError):
    """The window asks for more occurrences than a query may expand; the caller answers 400."""

    def __init__(self, limit: int, message: str | None = None):
        self.limit = limit
        super().__init__(message or f"more than {limit} occurrences fall in the requested window; "
                                    "ask for a shorter window")


@dataclass(frozen=True)
class Occurrence:
    """One instance of an event, as the API and the feeds show it."""

    start: datetime | date
    end: datetime | date
    recurrence_id: datetime | date


def series_end(start: datetime | date, duration: timedelta, rrule: str | None,
               exdates=()) -> datetime | date | None:
    """End of the last occurrence, for the range index; None when the series has no end.

    Same type as start: an aware datetime in start's zone, or the exclusive end date for all-day
    series. Non-recurring: start + duration.

    When EXDATEs remove every occurrence the first occurrence's end is returned, so a range
    index still gets a small finite range.
    """
    _check_start(start)
    _check_duration(start, duration)
    if not rrule:
        return start + duration
    series = _compile(rrule, *_start_key(start))
    if series.last is None:
        return None  # no COUNT/UNTIL (or, for a rule never normalized, a COUNT beyond the horizon)
    excluded = _excluded(exdates, start)
    last = _last_kept(series, excluded)
    if last is None:
        return start + duration
    return _to_value(last, series, start) + duration


def occurrences_between(start: datetime | date, duration: timedelta, rrule: str | None, exdates,
                        window_start: datetime, window_end: datetime,
                        limit: int = MAX_OCCURRENCES_PER_QUERY, *,
                        zone: tzinfo | None = None) -> list[Occurrence]:
    """Occurrences overlapping [window_start, window_end), by start, EXDATEs removed; over `limit` raises.

    TooManyOccurrences is raised rather than a list cut short, so callers never show a partial answer.

    ``zone`` is the event's zone for an all-day event (default: window_start's zone, as RFC 5545
    treats DATE values as floating); a timed event uses its start's zone.
    """
    if limit < 0:
        raise ValueError("limit must not be negative")
    found: list[Occurrence] = []
    for occurrence in _overlapping(start, duration, rrule, exdates, window_start, window_end, zone, limit):
        if len(found) == limit:
            raise TooManyOccurrences(limit)
        found.append(occurrence)
    return found


def first_occurrence_between(start: datetime | date, duration: timedelta, rrule: str | None, exdates,
                             window_start: datetime, window_end: datetime, *,
                             zone: tzinfo | None = None) -> Occurrence | None:
    """The first occurrence overlapping the window, or None: answers "does the series touch it?" for any window."""
    return next(_overlapping(start, duration, rrule, exdates, window_start, window_end, zone, None), None)


def _overlapping(start, duration, rrule, exdates, window_start, window_end, zone, limit):
    """Yield the occurrences overlapping the window lazily; `limit` None skips the window-size check."""
    _check_start(start)
    _check_duration(start, duration)
    for name, moment in (("window_start", window_start), ("window_end", window_end)):
        if not isinstance(moment, datetime) or moment.utcoffset() is None:
            raise TypeError(f"{name} must be an aware datetime")
    if window_end < window_start:
        raise ValueError("window_end is before window_start")
    all_day = not isinstance(start, datetime)
    event_zone = (zone or window_start.tzinfo) if all_day else start.tzinfo
    window = (window_start.astimezone(_UTC), window_end.astimezone(_UTC))
    if window[0] == window[1]:
        return
    excluded = _excluded(exdates, start)
    if not rrule:
        candidates = [Occurrence(start, start + duration, start)]
    else:
        series = _compile(rrule, *_start_key(start))
        local_window = (_local(window_start, event_zone), _local(window_end, event_zone))
        if limit is not None:
            _check_periods(series, *local_window, limit)
        # Slack of a day on each side covers DST offsets between the window and local time.
        lo = _moved(_moved(local_window[0], -duration), -timedelta(days=1))
        hi = _moved(local_window[1], timedelta(days=1))
        candidates = (_occurrence(local, start, duration) for local in _expand(series, lo, hi))
    for occurrence in candidates:
        if _key(occurrence.start) not in excluded and _overlaps(occurrence, event_zone, window):
            yield occurrence


def _check_periods(series: _Series, lo: datetime, hi: datetime, limit: int) -> None:
    """Refuse a window that would make dateutil walk through too many periods of the series."""
    lo = max(lo, series.start)
    if series.last is not None:
        hi = min(hi, series.last)
    period = _PERIOD_DAYS[series.rule.freq] * series.rule.interval
    if hi > lo and (hi - lo).days / period > MAX_PERIODS_PER_QUERY:
        years = int(MAX_PERIODS_PER_QUERY * period / 365.25)
        raise TooManyOccurrences(limit,
                                 f"the requested window covers more than {years} years of this "
                                 f"FREQ={series.rule.freq} series; ask for a shorter window")


def _last_kept(series: _Series, excluded: set) -> datetime | None:
    """The last occurrence not removed by an EXDATE, searching back from the series' end."""
    hi = series.last
    span = timedelta(days=2 * _PERIOD_DAYS[series.rule.freq] * series.rule.interval)
    while True:
        lo = hi - span if hi - series.start > span else series.start
        kept = [o for o in _expand(series, lo, hi)
                if _key(_to_value(o, series, None)) not in excluded]
        if kept:
            return kept[-1]
        if lo == series.start:
            return None
        hi, span = lo, span * 2


def _occurrence(local_start: datetime, start: datetime | date, duration: timedelta) -> Occurrence:
    """Build the Occurrence for a naive local start of the event's series."""
    if isinstance(start, datetime):
        begin = real_time(local_start.replace(microsecond=start.microsecond, tzinfo=start.tzinfo))
        return Occurrence(begin, real_time(begin + duration), begin)
    begin = local_start.date()
    return Occurrence(begin, begin + duration, begin)


def real_time(moment: datetime) -> datetime:
    """The wall time of the instant an aware local time means; a time a DST gap skips comes out past the gap.

    RFC 5545 reads 02:30 on the day Europe/Berlin skips 02:00-03:00 with the offset before the gap:
    01:30 UTC, 03:30 CEST. Left as 02:30+01:00, the occurrence ended (02:30 + 1 h = 03:30+02:00) at
    the instant it began, and its recurrence id did not match itself read back from UTC.
    """
    if moment.tzinfo is None:
        return moment
    after = moment.astimezone(_UTC).astimezone(moment.tzinfo)
    return moment if after.replace(tzinfo=None) == moment.replace(tzinfo=None) else after


def _overlaps(occurrence: Occurrence, zone: tzinfo, window: tuple[datetime, datetime]) -> bool:
    """Whether an occurrence overlaps the UTC window [start, end)."""
    if isinstance(occurrence.start, datetime):
        begin, end = occurrence.start.astimezone(_UTC), occurrence.end.astimezone(_UTC)
        if begin == end:
            return window[0] <= begin < window[1]
    else:
        begin = datetime.combine(occurrence.start, time(), zone).astimezone(_UTC)
        end = datetime.combine(occurrence.end, time(), zone).astimezone(_UTC)
    return begin < window[1] and end > window[0]


def _excluded(exdates, start: datetime | date) -> set:
    """EXDATEs as comparable keys: UTC instants for a timed series, dates for an all-day one."""
    keys = set()
    for value in exdates or ():
        if isinstance(start, datetime):
            if not isinstance(value, datetime) or value.utcoffset() is None:
                raise TypeError("EXDATEs of a timed series must be aware datetimes")
        elif isinstance(value, datetime) or not isinstance(value, date):
            raise TypeError("EXDATEs of an all-day series must be dates")
        keys.add(_key(value))
    return keys


def _key(value: datetime | date) -> datetime | date:
    """Compare datetimes as instants: equality across zones ignores fold in the same zone."""
    return value.astimezone(_UTC) if isinstance(value, datetime) else value


# Small helpers


def _check_duration(start, duration) -> None:
    """Refuse durations the occurrence model cannot represent."""
    if not isinstance(duration, timedelta) or duration < timedelta(0):
        raise ValueError("duration must be a timedelta of zero or more")
    if not isinstance(start, datetime) and (duration.days < 1 or duration != timedelta(days=duration.days)):
        raise ValueError("an all-day event lasts a whole number of days (at least one)")


def _to_value(local: datetime, series: _Series, start) -> datetime | date:
    """A naive local occurrence as the event's type: aware in its zone, or a date."""
    if series.zone is None:
        return local.date()
    return real_time(local.replace(microsecond=start.microsecond if start else 0, tzinfo=series.zone))


def _moved(moment: datetime, delta: timedelta) -> datetime:
    """Naive moment + delta, clamped at the ends of datetime's range (windows may touch them)."""
    try:
        return moment + delta
    except OverflowError:
        return _MAX_LOCAL if delta > timedelta(0) else datetime.min
