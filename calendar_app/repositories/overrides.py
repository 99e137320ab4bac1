"""Single occurrences of a series that were moved, changed or cancelled (RECURRENCE-ID overrides)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .. import eventtime
from ..clock import from_stored, now_stored, to_stored
from ..errors import NotFoundError, ValidationFailed
from ..recurrence import Occurrence, occurrences_between
from ..schemas.common import EARLIEST_YEAR, LATEST_YEAR
from . import audit, feed_versions

_SECOND = timedelta(seconds=1)


# --- recurrence ids ---------------------------------------------------------------------------


def parse_recurrence_id(row: dict, text: str) -> str:
    """Read a recurrence id from a URL (local ISO date-time, with or without offset, or a date) as stored text."""
    try:
        if row["all_day"]:
            day = date.fromisoformat(text)
            _check_year(day)
            return day.isoformat()
        if "T" not in text:
            raise ValueError("a date-time has a time part")
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise ValidationFailed({"recurrence_id": [
            "Not a valid " + ("date (YYYY-MM-DD)." if row["all_day"]
                              else "date-time (YYYY-MM-DDTHH:MM:SS, local time of the event).")]}) from None
    # Checked before any zone arithmetic: year 1 east of UTC, or 9999 west of it, overflows (a 500).
    _check_year(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=eventtime.zone(row["timezone"]))
    return to_stored(moment)


def _check_year(value: date) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationFailed({"recurrence_id": [f"Must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}."]})


def recurrence_value(row: dict, stored: str) -> datetime | date:
    """Give a stored recurrence id as a date (all-day) or an aware datetime in the event's zone."""
    if row["all_day"]:
        return date.fromisoformat(stored)
    return from_stored(stored).astimezone(eventtime.zone(row["timezone"]))


def _window_of(row: dict, value) -> tuple[datetime, datetime]:
    start = eventtime.day_start(value, row["timezone"]) if row["all_day"] else value
    return start, start + _SECOND


def existing_recurrence_ids(row: dict, stored_ids: list[str]) -> set:
    """Return the values among stored ids that are occurrences of the series as it stands."""
    if not row["rrule"]:
        return set()
    start, duration, exdates = eventtime.start_of(row), eventtime.duration_of(row), eventtime.exdates_of(row)
    found = set()
    for stored in stored_ids:
        value = recurrence_value(row, stored)
        window = _window_of(row, value)
        hits = occurrences_between(start, duration, row["rrule"], exdates, *window, limit=10,
                                   zone=eventtime.zone(row["timezone"]))
        if any(o.recurrence_id == value for o in hits):
            found.add(value)
    return found


# --- reading ----------------------------------------------------------------------------------


def for_events(db, event_ids: list[int]) -> dict[int, list[dict]]:
    """Return the stored overrides of these events, by event id, in recurrence order."""
    if not event_ids:
        return {}
    marks = ",".join("?" * len(event_ids))
    found: dict[int, list[dict]] = {}
    for row in db.query(f"select * from occurrence_overrides where event_id in ({marks}) "
                        f"order by event_id, recurrence_id", list(event_ids)):
        found.setdefault(row["event_id"], []).append(row)
    return found


def typed(row: dict, override: dict) -> dict:
    """Give a stored override the typed values ical_builder takes."""
    tz = eventtime.zone(row["timezone"])
    return {
        "recurrence_id": recurrence_value(row, override["recurrence_id"]),
        "status": override["status"],
        "starts_at": from_stored(override["starts_at"]).astimezone(tz) if override["starts_at"] else None,
        "ends_at": from_stored(override["ends_at"]).astimezone(tz) if override["ends_at"] else None,
        "start_date": date.fromisoformat(override["start_date"]) if override["start_date"] else None,
        "end_date": date.fromisoformat(override["end_date"]) if override["end_date"] else None,
        "title": override["title"], "location": override["location"], "description": override["description"],
        "sequence": override["sequence"], "updated_at": from_stored(override["updated_at"]),
    }


def represent(row: dict, override: dict) -> dict:
    """The API representation of an override: local times in the event's zone."""
    values = typed(row, override)
    return {
        "event_id": row["id"], "uid": row["uid"],
        "recurrence_id": values["recurrence_id"].isoformat(),
        "status": values["status"],
        "starts_at": eventtime.local_iso(values["starts_at"]), "ends_at": eventtime.local_iso(values["ends_at"]),
        "start_date": override["start_date"], "end_date": override["end_date"],
        "title": override["title"], "location": override["location"], "description": override["description"],
        "sequence": override["sequence"], "updated_at": override["updated_at"],
    }


def _event_row(db, event_id: int) -> dict:
    rows = list(db.query("select * from events where id = ?", [event_id]))
    if not rows:
        raise NotFoundError(f"No event with id {event_id}.")
    return rows[0]


def _stored(db, event_id: int, recurrence_id: str) -> dict | None:
    rows = list(db.query("select * from occurrence_overrides where event_id = ? and recurrence_id = ?",
                         [event_id, recurrence_id]))
    return rows[0] if rows else None


def list_for_event(db, event_id: int) -> list[dict]:
    """Every override of one event, in recurrence order."""
    row = _event_row(db, event_id)
    return [represent(row, o) for o in for_events(db, [event_id]).get(event_id, [])]


def get(db, event_id: int, recurrence_text: str) -> dict:
    """Return one override, 404 when the occurrence is not overridden."""
    row = _event_row(db, event_id)
    found = _stored(db, event_id, parse_recurrence_id(row, recurrence_text))
    if found is None:
        raise NotFoundError(f"Occurrence {recurrence_text} of event {event_id} is not overridden.")
    return represent(row, found)


# --- writing ----------------------------------------------------------------------------------


def _check_occurrence(row: dict, recurrence_id: str) -> None:
    """Refuse ids that are not an occurrence of the series (404 keeps the URL semantics)."""
    if not row["rrule"]:
        raise ValidationFailed({"recurrence_id": ["The event does not repeat; change the event itself."]})
    value = recurrence_value(row, recurrence_id)
    if value not in existing_recurrence_ids(row, [recurrence_id]):
        raise NotFoundError(f"{value.isoformat()} is not an occurrence of event {row['id']}.")


def _stored_values(row: dict, fields: dict) -> dict:
    """Check the new times against the series and return column values."""
    errors = {}
    values = {"status": fields.get("status") or "confirmed",
              "title": fields.get("title"), "location": fields.get("location"),
              "description": fields.get("description"),
              "starts_at": None, "ends_at": None, "start_date": None, "end_date": None}
    if row["all_day"]:
        for key in ("starts_at", "ends_at"):
            if fields.get(key):
                errors[key] = ["The series is all-day; use start_date and end_date."]
        start, end = fields.get("start_date"), fields.get("end_date")
        if end and not start:
            errors["start_date"] = ["Required with end_date."]
        if start:
            end = end or start + (eventtime.duration_of(row) - timedelta(days=1))
            if end < start:
                errors["end_date"] = ["Must not be before start_date."]
            values.update(start_date=start.isoformat(), end_date=end.isoformat())
    else:
        for key in ("start_date", "end_date"):
            if fields.get(key):
                errors[key] = ["The series is timed; use starts_at and ends_at."]
        start, end = fields.get("starts_at"), fields.get("ends_at")
        if end and not start:
            errors["starts_at"] = ["Required with ends_at."]
        if start:
            end = end or start + eventtime.duration_of(row)
            if end <= start:
                errors["ends_at"] = ["Must be after starts_at."]
            else:
                values.update(starts_at=to_stored(start), ends_at=to_stored(end))
    if errors:
        raise ValidationFailed(errors)
    return values


def put(db, event_id: int, recurrence_text: str, fields: dict, actor: str) -> tuple[dict, bool]:
    """Create or replace the override of one occurrence; return (it, created). Caller holds the transaction."""
    row = _event_row(db, event_id)
    recurrence_id = parse_recurrence_id(row, recurrence_text)
    _check_occurrence(row, recurrence_id)
    values = _stored_values(row, fields)
    existing = _stored(db, event_id, recurrence_id)
    before = represent(row, existing) if existing else None
    # Every change must out-rank what clients hold for this instance and for the series.
    sequence = max((existing or {}).get("sequence", 0) + 1, row["sequence"] + 1)
    record = {"event_id": event_id, "recurrence_id": recurrence_id, **values,
              "sequence": sequence, "updated_at": now_stored()}
    db["occurrence_overrides"].upsert(record, pk=("event_id", "recurrence_id"))
    after = represent(row, _stored(db, event_id, recurrence_id))
    # Filed under the event, so its audit trail tells the whole story of the series.
    audit.record(db, actor, "event", event_id, f"{row['uid']}#{after['recurrence_id']}",
                 "update_occurrence" if existing else "override_occurrence", before, after)
    feed_versions.bump(db, feed_versions.scopes_for_events(db, {event_id}))
    return after, existing is None


def delete(db, event_id: int, recurrence_text: str, actor: str) -> None:
    """Restore an occurrence to the series; the series' SEQUENCE goes up so clients drop the override."""
    row = _event_row(db, event_id)
    recurrence_id = parse_recurrence_id(row, recurrence_text)
    existing = _stored(db, event_id, recurrence_id)
    if existing is None:
        raise NotFoundError(f"Occurrence {recurrence_text} of event {event_id} is not overridden.")
    before = represent(row, existing)
    db.execute("delete from occurrence_overrides where event_id = ? and recurrence_id = ?", [event_id, recurrence_id])
    db["events"].update(event_id, {"sequence": row["sequence"] + 1, "updated_at": now_stored()})
    audit.record(db, actor, "event", event_id, f"{row['uid']}#{before['recurrence_id']}",
                 "restore_occurrence", before, None)
    feed_versions.bump(db, feed_versions.scopes_for_events(db, {event_id}))


# --- occurrences API --------------------------------------------------------------------------


@dataclass(frozen=True)
class OverriddenOccurrence(Occurrence):
    """An occurrence as one override changed it."""

    status: str = "confirmed"
    title: str | None = None
    location: str | None = None


def apply_to_occurrences(db, found: list[tuple], where: list[str], params: list, window_start: datetime,
                         window_end: datetime) -> list[tuple]:
    """Move, change or drop each (UTC start text, event_id, occurrence or None) as the overrides say.

    `where`/`params` are the list filters over `events`: occurrences moved into the window
    from outside it are added for the events they select.
    """
    ids = _candidate_events(db, found, window_start, window_end)
    if not ids:
        return found
    clause = " and ".join([*where, f"events.id in ({','.join('?' * len(ids))})", "events.rrule is not null"])
    rows = {r["id"]: r for r in db.query(f"select * from events where {clause}", [*params, *ids])}
    by_key = {}
    for event_id, stored in for_events(db, list(rows)).items():
        row = rows[event_id]
        valid = existing_recurrence_ids(row, [o["recurrence_id"] for o in stored])
        for override in stored:
            value = recurrence_value(row, override["recurrence_id"])
            if value in valid:
                by_key[(event_id, value)] = (row, override)
    if not by_key:
        return found
    lo, hi = window_start.astimezone(_UTC), window_end.astimezone(_UTC)
    result = []
    for starts, event_id, occurrence in found:
        row = rows.get(event_id)
        value = None
        if row is not None:
            value = occurrence.recurrence_id if occurrence is not None else _value_at(row, starts)
        hit = by_key.pop((event_id, value), None)
        if hit is None:
            result.append((starts, event_id, occurrence))
            continue
        moved = _moved(*hit, occurrence or _original(row, value))
        if _overlaps(moved, row, lo, hi):
            result.append((_utc_start(moved.start, row["timezone"]), event_id, moved))
    for (event_id, value), (row, override) in by_key.items():  # outside the window before the move
        moved = _moved(row, override, _original(row, value))
        if _overlaps(moved, row, lo, hi):
            result.append((_utc_start(moved.start, row["timezone"]), event_id, moved))
    return result


def _candidate_events(db, found: list[tuple], window_start: datetime, window_end: datetime) -> list[int]:
    """Events whose overrides can matter: one of their found occurrences, or a new time in the window."""
    overridden = {r[0] for r in db.execute("select distinct event_id from occurrence_overrides").fetchall()}
    if not overridden:
        return []
    in_window = {event_id for _, event_id, _ in found} & overridden
    # All-day dates are local: a day of slack on each side covers every zone.
    moved_in = {r[0] for r in db.execute(
        "select distinct event_id from occurrence_overrides where (starts_at < ? and ends_at > ?) "
        "or (start_date <= ? and end_date >= ?)",
        [to_stored(window_end), to_stored(window_start), (window_end + timedelta(days=1)).date().isoformat(),
         (window_start - timedelta(days=1)).date().isoformat()]).fetchall()}
    return sorted(in_window | moved_in)


def _value_at(row: dict, starts: str):
    """The original start (recurrence id) of the occurrence indexed at a UTC instant."""
    moment = from_stored(starts).astimezone(eventtime.zone(row["timezone"]))
    return moment.date() if row["all_day"] else moment


def _original(row: dict, value) -> Occurrence:
    return Occurrence(value, value + eventtime.duration_of(row), value)


def _utc_start(value, tz: str) -> str:
    return to_stored(value if isinstance(value, datetime) else eventtime.day_start(value, tz))


_UTC = eventtime.zone("UTC")


def _moved(row: dict, override: dict, occurrence: Occurrence) -> OverriddenOccurrence:
    values = typed(row, override)
    if row["all_day"]:
        start = values["start_date"] or occurrence.start
        length = occurrence.end - occurrence.start
        end = values["end_date"] + timedelta(days=1) if values["end_date"] else start + length
    else:
        start = values["starts_at"] or occurrence.start
        end = values["ends_at"] or start + (occurrence.end - occurrence.start)
    return OverriddenOccurrence(start, end, occurrence.recurrence_id, status=values["status"],
                                title=values["title"], location=values["location"])


def _overlaps(occurrence: Occurrence, row: dict, lo: datetime, hi: datetime) -> bool:
    start, end = occurrence.start, occurrence.end
    if not isinstance(start, datetime):
        start, end = eventtime.day_start(start, row["timezone"]), eventtime.day_start(end, row["timezone"])
    return start.astimezone(_UTC) < hi and end.astimezone(_UTC) > lo


def overlay(representation: dict, occurrence) -> dict:
    """Show an overridden occurrence's own status, title and place in the occurrences API."""
    if not isinstance(occurrence, OverriddenOccurrence):
        return representation
    return {**representation, "status": occurrence.status,
            "title": occurrence.title if occurrence.title is not None else representation["title"],
            "location": occurrence.location if occurrence.location is not None else representation["location"]}
