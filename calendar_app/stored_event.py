"""One stored event read once into typed values; its representations and its occurrences derive from it.

A row of `events` keeps instants as UTC text, all-day dates as local ISO text and EXDATEs as JSON
text. `StoredEvent.from_row` is the one place that reads those columns back; the API
representation, the feed builder's input, the form values, the occurrence index and the
override checks all start from a StoredEvent instead of reading the row again each their own way.
No Flask and no database here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime, timedelta, timezone

from .clock import from_stored, to_stored
from .eventtime import day_start, zone
from .recurrence import (MAX_OCCURRENCES_PER_QUERY, Occurrence, RecurrenceError, TooManyOccurrences,
                         first_occurrence_between, occurrences_between)

__all__ = ["SCHEDULE_FIELDS", "TEXT_FIELDS", "StoredEvent", "UnreadableEvent", "readable"]

log = logging.getLogger(__name__)

# The free-text columns stored as typed; with the time fields they make what create() and update() take.
TEXT_FIELDS = ("title", "kind", "description", "location", "url", "status", "status_reason", "visibility",
               "timezone", "chair", "attendees", "preparation", "note")
# What the weekly schedule shows of an event besides its time, title and place (issue 12).
SCHEDULE_FIELDS = ("chair", "attendees", "preparation", "note")
_UTC = timezone.utc
_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)
_NO_EXDATES = "[]"
_new, _set = object.__new__, object.__setattr__
# What reading a stored value can raise: a bad ISO text or JSON (ValueError), a zone that does not
# exist (ZoneInfoNotFoundError is a KeyError), an instant beyond year 9999 in its zone (OverflowError).
_READ_ERRORS = (ValueError, KeyError, TypeError, OverflowError)


class UnreadableEvent(ValueError):
    """A stored event row no code can read (a hand edit, an old release): readers skip it, its own address says so.

    A ValueError, so that code which reports a bad value per item (the importer's per-UID problems) keeps doing so.
    """

    def __init__(self, event_id: int, reason: str):
        super().__init__(f"Event {event_id} cannot be read: {reason}. Delete it, or correct it in the database.")
        self.event_id = event_id

    def warn(self) -> None:
        """Log the skip: a list or feed answers without this event."""
        log.warning("event %s cannot be read, left out: %s", self.event_id, self)


def readable(rows, warn: bool = True) -> dict[int, StoredEvent]:
    """The typed events of the rows that can be read, by id; each unreadable one is logged and left out."""
    typed = {}
    for row in rows:
        try:
            typed[row["id"]] = StoredEvent.from_row(row)
        except UnreadableEvent as error:
            if warn:
                error.warn()
    return typed


def _reason(error: Exception) -> str:
    if isinstance(error, OverflowError):
        return "a stored time is out of range in its zone"
    if isinstance(error, KeyError):
        return f"its stored time zone is unknown ({error.args[0] if error.args else error})"
    return f"a stored value is unreadable ({error})"


@dataclass(frozen=True)
class StoredEvent:
    """A stored event: its texts, its first occurrence in its zone, its rule and EXDATEs.

    ``start``/``end`` are the first occurrence's: aware datetimes in the event's zone, or for an
    all-day event its first and last (inclusive) day. ``created_at``/``updated_at`` stay stored
    UTC text, which the API shows as it is.
    """

    id: int
    uid: str
    title: str
    kind: str
    agreement_id: int | None
    description: str | None
    location: str | None
    url: str | None
    chair: str | None
    attendees: str | None
    preparation: str | None
    note: str | None
    emphasis: bool
    status: str
    status_reason: str | None
    visibility: str
    sequence: int
    timezone: str
    all_day: bool
    start: datetime | date
    end: datetime | date
    rrule: str | None
    exdates: tuple[datetime | date, ...]
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, row: dict) -> StoredEvent:
        """Read a row of `events`; UnreadableEvent when a stored value cannot be (the RRULE is read when expanded)."""
        try:
            return cls._read(row)
        except _READ_ERRORS as error:
            raise UnreadableEvent(row["id"], _reason(error)) from error

    @classmethod
    def _read(cls, row: dict) -> StoredEvent:
        # A representation is built per list item: keep this cheap (parsing the RRULE here cost 0.3 ms a row).
        all_day = bool(row["all_day"])
        stored_exdates = row["exdates"]
        if all_day:
            start, end = date.fromisoformat(row["start_date"]), date.fromisoformat(row["end_date"])
            duration = end - start + _DAY
            exdates = (() if not stored_exdates or stored_exdates == _NO_EXDATES
                       else tuple(date.fromisoformat(v) for v in json.loads(stored_exdates)))
        else:
            local = zone(row["timezone"])
            utc_start, utc_end = from_stored(row["starts_at"]), from_stored(row["ends_at"])
            start, end, duration = utc_start.astimezone(local), utc_end.astimezone(local), utc_end - utc_start
            exdates = (() if not stored_exdates or stored_exdates == _NO_EXDATES
                       else tuple(from_stored(v).astimezone(local) for v in json.loads(stored_exdates)))
        # Hazard: the frozen __init__ sets the 25 fields one object.__setattr__ at a time, which made
        # an uncached list of 100 events measurably slower; one __dict__ assignment sets them at once,
        # with the cached duration (read for every occurrence) already in it.
        event = _new(cls)
        _set(event, "__dict__", {
            "id": row["id"], "uid": row["uid"], "title": row["title"], "kind": row["kind"],
            "agreement_id": row["agreement_id"], "description": row["description"], "location": row["location"],
            "url": row["url"], "chair": row["chair"], "attendees": row["attendees"],
            "preparation": row["preparation"], "note": row["note"], "emphasis": bool(row["emphasis"]),
            "status": row["status"], "status_reason": row["status_reason"], "visibility": row["visibility"],
            "sequence": row["sequence"], "timezone": row["timezone"], "all_day": all_day,
            "start": start, "end": end, "rrule": row["rrule"], "exdates": exdates,
            "created_at": row["created_at"], "updated_at": row["updated_at"], "duration": duration})
        return event

    # --- time -------------------------------------------------------------------------------------

    @property
    def zone(self):
        """The event's ZoneInfo."""
        return zone(self.timezone)

    @cached_property
    def duration(self) -> timedelta:
        """Length of one occurrence: elapsed time, or whole days with the last one included."""
        if self.all_day:
            return self.end - self.start + _DAY
        # Aware datetimes of one zone subtract as wall times; the stored length is elapsed time.
        return self.end.astimezone(_UTC) - self.start.astimezone(_UTC)

    def fields(self) -> dict:
        """The typed fields create() and update() take (the form's values): the inverse of storing them."""
        timed = not self.all_day
        return {
            "title": self.title, "kind": self.kind, "description": self.description, "location": self.location,
            "url": self.url, "status": self.status, "status_reason": self.status_reason,
            "visibility": self.visibility, "timezone": self.timezone,
            **self.schedule(), "emphasis": self.emphasis, "all_day": self.all_day,
            "starts_at": self.start if timed else None, "ends_at": self.end if timed else None,
            "start_date": None if timed else self.start, "end_date": None if timed else self.end,
            "rrule": self.rrule, "exdates": list(self.exdates),
        }

    def schedule(self) -> dict:
        """The weekly schedule's free texts (chair, attendees, preparation, note), None when empty."""
        return {name: getattr(self, name) for name in SCHEDULE_FIELDS}

    def utc_span(self, start: datetime | date, end: datetime | date) -> tuple[str, str]:
        """An occurrence's [start, end) as stored UTC text; all-day dates are local midnights."""
        if not isinstance(start, datetime):
            start, end = day_start(start, self.timezone), day_start(end, self.timezone)
        return to_stored(start), to_stored(end)

    # --- occurrences ------------------------------------------------------------------------------

    def occurrences(self, window_start: datetime, window_end: datetime,
                    limit: int = MAX_OCCURRENCES_PER_QUERY) -> list[Occurrence]:
        """Occurrences overlapping [window_start, window_end), EXDATEs removed; over `limit` raises TooManyOccurrences."""
        try:
            return occurrences_between(self.start, self.duration, self.rrule, self.exdates, window_start, window_end,
                                       limit=limit, zone=self.zone)
        except TooManyOccurrences:
            raise
        except RecurrenceError as error:
            raise self._unreadable_rule(error) from error

    def first_occurrence_between(self, window_start: datetime, window_end: datetime) -> Occurrence | None:
        """The first occurrence overlapping the window, or None, without a bound on the window."""
        try:
            return first_occurrence_between(self.start, self.duration, self.rrule, self.exdates,
                                            window_start, window_end, zone=self.zone)
        except RecurrenceError as error:
            raise self._unreadable_rule(error) from error

    def _unreadable_rule(self, error: RecurrenceError) -> UnreadableEvent:
        """A stored RRULE that no longer parses (the rules tightened, or a hand edit) makes the event unreadable."""
        return UnreadableEvent(self.id, f"its stored rule {self.rrule!r} is invalid ({error})")

    def occurrence_from(self, recurrence_id: datetime | date) -> Occurrence:
        """The occurrence that starts at a recurrence id, as the series gives it (no override, no check)."""
        return Occurrence(recurrence_id, recurrence_id + self.duration, recurrence_id)

    def recurrence_value(self, stored: str) -> datetime | date:
        """A stored recurrence id as a date (all-day) or an aware datetime in the event's zone."""
        if self.all_day:
            return date.fromisoformat(stored)
        return from_stored(stored).astimezone(self.zone)

    def occurs_at(self, value: datetime | date) -> bool:
        """Whether the series as it stands has an occurrence with this recurrence id."""
        if not self.rrule:
            return False
        begin = day_start(value, self.timezone) if self.all_day else value
        return any(o.recurrence_id == value for o in self.occurrences(begin, begin + _SECOND, limit=10))

    def occurrence_starting(self, starts: str) -> Occurrence:
        """The occurrence that starts at a stored UTC instant (as the occurrence index gives it)."""
        if not self.rrule:
            return self.occurrence_from(self.start)
        start = from_stored(starts)
        local = start.astimezone(self.zone)
        if self.all_day or local.utcoffset() == (start - _DAY).astimezone(self.zone).utcoffset() == (
                start + _DAY).astimezone(self.zone).utcoffset():
            # No offset change within a day: the wall time round-trips, so dateutil is not needed.
            return self.occurrence_from(local.date() if self.all_day else local)
        for occurrence in self.occurrences(start, start + _SECOND):
            if self.utc_span(occurrence.start, occurrence.end)[0] == starts:
                return occurrence
        raise LookupError(f"event {self.id} has no occurrence at {starts}: the occurrence index is stale")
