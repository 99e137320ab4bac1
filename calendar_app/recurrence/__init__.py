"""Validate, bound and expand the RFC 5545 recurrence rules of calendar events.

Only the standard library, python-dateutil and lunar.py (lunar-vn) are used here: no Flask, no database.

An event is stored as a start (an aware datetime in the event's zone, or a date for an all-day
event), a duration, an RRULE value and a list of EXDATEs. Recurrence is computed in the local
wall-clock time of the event's zone, so a 14:00 meeting stays at 14:00 across daylight-saving
changes; the zone is attached afterwards (a wall time in a fold keeps the zone's default reading,
fold=0; one in a DST gap is read with the offset before the gap, as RFC 5545 says: 02:30 on the
day clocks skip 02:00-03:00 is 03:30, see ``real_time``).

``rule`` parses, validates and writes back the canonical form of a rule; ``expand`` expands a
series, bounded, into the occurrences that overlap a window.
"""

from .expand import (MAX_OCCURRENCES_PER_QUERY, MAX_PERIODS_PER_QUERY, Occurrence, TooManyOccurrences,
                     first_occurrence_between, occurrences_between, real_time, series_end)
from .rule import (ALLOWED_FREQUENCIES, LUNAR_YEARLY, MAX_COUNT, MAX_INTERVAL, MAX_RRULE_LENGTH, MAX_SERIES_YEARS,
                   RecurrenceError, explicit_dates, normalize_rrule)

__all__ = [
    "ALLOWED_FREQUENCIES",
    "LUNAR_YEARLY",
    "MAX_COUNT",
    "MAX_INTERVAL",
    "MAX_OCCURRENCES_PER_QUERY",
    "MAX_PERIODS_PER_QUERY",
    "MAX_RRULE_LENGTH",
    "MAX_SERIES_YEARS",
    "Occurrence",
    "RecurrenceError",
    "TooManyOccurrences",
    "explicit_dates",
    "first_occurrence_between",
    "normalize_rrule",
    "occurrences_between",
    "real_time",
    "series_end",
]
