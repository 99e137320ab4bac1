"""Single occurrences of a series that were moved, changed or cancelled (RECURRENCE-ID overrides)."""

import logging
from datetime import date, datetime, timedelta

from marshmallow import ValidationError

from ..clock import from_stored, now_stored, to_stored
from ..errors import NotFoundError, ValidationFailed
from ..eventtime import local_iso
from ..schemas.common import EARLIEST_YEAR, LATEST_YEAR, check_year
from ..stored_event import StoredEvent
from . import audit, events, feed_versions
from .rows import select

_DAY = timedelta(days=1)
_log = logging.getLogger(__name__)


# --- recurrence ids ---------------------------------------------------------------------------


def parse_recurrence_id(event: StoredEvent, text: str) -> str:
    """Read a recurrence id from a URL (local ISO date-time, with or without offset, or a date) as stored text."""
    try:
        if event.all_day:
            day = date.fromisoformat(text)
            _check_year(day)
            return day.isoformat()
        if "T" not in text:
            raise ValueError("a date-time has a time part")
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise ValidationFailed({"recurrence_id": [
            "Not a valid " + ("date (YYYY-MM-DD)." if event.all_day
                              else "date-time (YYYY-MM-DDTHH:MM:SS, local time of the event).")]}) from None
    # Checked before any zone arithmetic: year 1 east of UTC, or 9999 west of it, overflows (a 500).
    _check_year(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=event.zone)
    return to_stored(moment)


def _check_year(value: date) -> None:
    """The schemas' year bounds, reported on the recurrence id of the URL."""
    try:
        check_year(value)
    except ValidationError as error:
        raise ValidationFailed({"recurrence_id": error.messages}) from None


def real(event: StoredEvent, stored: list[dict]) -> list[tuple[dict, datetime | date]]:
    """(override, recurrence id) of the stored overrides that name an occurrence of the series as it stands.

    The others belong to occurrences a rescheduled series no longer has: they are kept, not shown.
    """
    if not event.rrule:
        return []
    found = []
    for override in stored:
        value = event.recurrence_value(override["recurrence_id"])
        if event.occurs_at(value):
            found.append((override, value))
    return found


# --- reading ----------------------------------------------------------------------------------


def for_events(db, event_ids: list[int]) -> dict[int, list[dict]]:
    """Return the stored overrides of these events, by event id, in recurrence order."""
    if not event_ids:
        return {}
    marks = ",".join("?" * len(event_ids))
    found: dict[int, list[dict]] = {}
    for row in select(db, f"select * from occurrence_overrides where event_id in ({marks}) "
                          f"order by event_id, recurrence_id", list(event_ids)):
        found.setdefault(row["event_id"], []).append(row)
    return found


class UnreadableOverride(ValueError):
    """A stored override whose new time cannot be shown in its event's zone (an old or hand-edited row)."""


def typed(event: StoredEvent, override: dict) -> dict:
    """Give a stored override the typed values ical_builder takes; UnreadableOverride when they cannot be read."""
    tz = event.zone
    try:
        return {
            "recurrence_id": event.recurrence_value(override["recurrence_id"]),
            "status": override["status"], "status_reason": override["status_reason"],
            "starts_at": _local(override["starts_at"], tz), "ends_at": _local(override["ends_at"], tz),
            "start_date": date.fromisoformat(override["start_date"]) if override["start_date"] else None,
            "end_date": date.fromisoformat(override["end_date"]) if override["end_date"] else None,
            "title": override["title"], "location": override["location"], "description": override["description"],
            "sequence": override["sequence"], "updated_at": from_stored(override["updated_at"]),
        }
    except (OverflowError, ValueError, TypeError) as error:
        shown = override.get("starts_at") or override.get("start_date")
        raise UnreadableOverride(f"The stored new time ({shown}) cannot be shown in {event.timezone}; "
                                 "set a new time or delete this override.") from error


def _local(stored: str | None, tz) -> datetime | None:
    """A stored UTC time in the event's zone, refused outside the years the calendar holds."""
    if not stored:
        return None
    moment = from_stored(stored).astimezone(tz)  # OverflowError past year 9999
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValueError(f"year {moment.year} is outside {EARLIEST_YEAR}-{LATEST_YEAR}")
    return moment


def readable(event: StoredEvent, override: dict) -> dict | None:
    """typed(), or None for an override that cannot be read: readers show the series' own occurrence.

    One bad row must cost its own occurrence, not every page and feed that touches the event.
    """
    try:
        return typed(event, override)
    except UnreadableOverride as error:
        _log.warning("event %s, occurrence %s: %s", event.id, override["recurrence_id"], error)
        return None


def represent(event: StoredEvent, override: dict) -> dict:
    """The API representation of an override: local times in the event's zone (if unreadable: as stored, and why)."""
    try:
        values = typed(event, override)
    except UnreadableOverride as error:
        return {**_represent_stored(event, override), "problem": str(error)}
    return {
        "event_id": event.id, "uid": event.uid,
        "recurrence_id": values["recurrence_id"].isoformat(),
        "status": values["status"], "status_reason": values["status_reason"],
        "starts_at": local_iso(values["starts_at"]), "ends_at": local_iso(values["ends_at"]),
        "start_date": override["start_date"], "end_date": override["end_date"],
        "title": override["title"], "location": override["location"], "description": override["description"],
        "sequence": override["sequence"], "updated_at": override["updated_at"],
    }


def _represent_stored(event: StoredEvent, override: dict) -> dict:
    """An unreadable override as stored (UTC text), so that it can still be listed and deleted."""
    try:
        recurrence_id = event.recurrence_value(override["recurrence_id"]).isoformat()
    except (OverflowError, ValueError):
        recurrence_id = override["recurrence_id"]
    return {"event_id": event.id, "uid": event.uid, "recurrence_id": recurrence_id, "status": override["status"],
            **{k: override[k] for k in ("status_reason", "starts_at", "ends_at", "start_date", "end_date", "title",
                                        "location", "description", "sequence", "updated_at")}}


def _event(db, event_id: int) -> StoredEvent:
    return StoredEvent.from_row(events.get_row(db, event_id))


def _stored(db, event_id: int, recurrence_id: str) -> dict | None:
    rows = select(db, "select * from occurrence_overrides where event_id = ? and recurrence_id = ?",
                  [event_id, recurrence_id])
    return rows[0] if rows else None


def list_for_event(db, event_id: int) -> list[dict]:
    """The overrides of the occurrences the series has as it stands, in recurrence order."""
    event = _event(db, event_id)
    return [represent(event, o) for o, _value in real(event, for_events(db, [event_id]).get(event_id, []))]


def get(db, event_id: int, recurrence_text: str) -> dict:
    """Return one override, 404 when the occurrence is not overridden (or the series no longer has it)."""
    event = _event(db, event_id)
    found = _stored(db, event_id, parse_recurrence_id(event, recurrence_text))
    if found is None or not real(event, [found]):
        raise NotFoundError(f"Occurrence {recurrence_text} of event {event_id} is not overridden.")
    return represent(event, found)


# --- writing ----------------------------------------------------------------------------------


def check_against_series(db, event: StoredEvent) -> None:
    """Refuse (422) a change of the series' zone, times or rule that leaves one of its overrides unreadable.

    Moving a UTC series to +07:00 moved an override stored at 9999-12-31T23:00Z past year 9999.
    Overrides of occurrences the series no longer has are not checked: nothing shows them.
    """
    errors = {}
    for override, value in real(event, for_events(db, [event.id]).get(event.id, [])):
        try:
            typed(event, override)
        except UnreadableOverride as error:
            errors[value.isoformat()] = [str(error)]
    if errors:
        raise ValidationFailed({"overrides": errors})


def _check_occurrence(event: StoredEvent, recurrence_id: str) -> None:
    """Refuse ids that are not an occurrence of the series (404 keeps the URL semantics)."""
    if not event.rrule:
        raise ValidationFailed({"recurrence_id": ["The event does not repeat; change the event itself."]})
    value = event.recurrence_value(recurrence_id)
    if not event.occurs_at(value):
        raise NotFoundError(f"{value.isoformat()} is not an occurrence of event {event.id}.")


# Per kind of series: (start field, end field, what to use instead, the rule an end must keep).
_TIME_FIELDS = {
    True: ("start_date", "end_date", "The series is all-day; use start_date and end_date.",
           "Must not be before start_date."),
    False: ("starts_at", "ends_at", "The series is timed; use starts_at and ends_at.", "Must be after starts_at."),
}


def _stored_values(event: StoredEvent, fields: dict) -> dict:
    """Check the new times against the series and return column values."""
    errors = {}
    status = fields.get("status") or "confirmed"
    reason = (fields.get("status_reason") or None) if status != "confirmed" else None
    values = {"status": status, "status_reason": reason,
              "title": fields.get("title"), "location": fields.get("location"),
              "description": fields.get("description"),
              "starts_at": None, "ends_at": None, "start_date": None, "end_date": None}
    start_key, end_key, instead, end_rule = _TIME_FIELDS[event.all_day]
    for key in _TIME_FIELDS[not event.all_day][:2]:
        if fields.get(key):
            errors[key] = [instead]
    start, end = fields.get(start_key), fields.get(end_key)
    if end and not start:
        errors[start_key] = [f"Required with {end_key}."]
    if start:
        # An all-day end is its last day: one day shorter than the occurrence it closes.
        end = end or start + (event.duration - _DAY if event.all_day else event.duration)
        if end < start or (end == start and not event.all_day):
            errors[end_key] = [end_rule]
        elif event.all_day:
            values.update(start_date=start.isoformat(), end_date=end.isoformat())
        else:
            values.update(starts_at=to_stored(start), ends_at=to_stored(end))
    if errors:
        raise ValidationFailed(errors)
    return values


def put(db, event_id: int, recurrence_text: str, fields: dict, actor: str) -> tuple[dict, bool]:
    """Create or replace the override of one occurrence; return (it, created). Caller holds the transaction."""
    event = _event(db, event_id)
    recurrence_id = parse_recurrence_id(event, recurrence_text)
    _check_occurrence(event, recurrence_id)
    values = _stored_values(event, fields)
    existing = _stored(db, event_id, recurrence_id)
    before = represent(event, existing) if existing else None
    # Every change must out-rank what clients hold for this instance and for the series.
    sequence = series_sequence(db, event) + 1
    record = {"event_id": event_id, "recurrence_id": recurrence_id, **values,
              "sequence": sequence, "updated_at": now_stored()}
    with feed_versions.changing(db, events={event_id}):
        db["occurrence_overrides"].upsert(record, pk=("event_id", "recurrence_id"))
    after = represent(event, _stored(db, event_id, recurrence_id))
    # Filed under the event, so its audit trail tells the whole story of the series.
    audit.record(db, actor, "event", event_id, f"{event.uid}#{after['recurrence_id']}",
                 "update_occurrence" if existing else "override_occurrence", before, after)
    return after, existing is None


def series_sequence(db, event: StoredEvent) -> int:
    """At least the SEQUENCE feeds show for every VEVENT of the series (ical_builder.series_revision).

    Feeds give every VEVENT of a series this one SEQUENCE, so a write must go above it, never back.
    """
    row = db.execute("select max(sequence) from occurrence_overrides where event_id = ?", [event.id]).fetchone()
    return max(event.sequence, row[0] or 0)


def delete(db, event_id: int, recurrence_text: str, actor: str) -> None:
    """Restore an occurrence to the series; the series' SEQUENCE goes up so clients drop the override."""
    event = _event(db, event_id)
    recurrence_id = parse_recurrence_id(event, recurrence_text)
    existing = _stored(db, event_id, recurrence_id)
    if existing is None:
        raise NotFoundError(f"Occurrence {recurrence_text} of event {event_id} is not overridden.")
    before = represent(event, existing)
    sequence = series_sequence(db, event) + 1  # read before the override goes: it may hold the highest
    with feed_versions.changing(db, events={event_id}):
        db.execute("delete from occurrence_overrides where event_id = ? and recurrence_id = ?",
                   [event_id, recurrence_id])
        db["events"].update(event_id, {"sequence": sequence, "updated_at": now_stored()})
    audit.record(db, actor, "event", event_id, f"{event.uid}#{before['recurrence_id']}",
                 "restore_occurrence", before, None)
