"""Holidays, make-up days off (nghỉ bù) and weekend working days (làm bù): the office's non-working days."""

from datetime import date, datetime, timedelta

from ..clock import now_stored
from ..eventtime import zone
from ..errors import ConflictError
from . import audit, feed_versions
from .rows import one_row, select

DAYS_OFF = ("holiday", "day_off")
COLUMNS = ("day", "name", "kind")


def _represent(row: dict) -> dict:
    return {key: row[key] for key in ("id", "day", "name", "kind", "source", "created_at", "updated_at")}


def get(db, holiday_id: int) -> dict:
    """One holiday by id (404 when there is none)."""
    return _represent(one_row(db, "holidays", "id", holiday_id, f"No holiday with id {holiday_id}."))


def between(db, first: date, last: date) -> list[dict]:
    """Every row from first to last (inclusive), by day then name."""
    return [_represent(row) for row in select(
        db, "select * from holidays where day between ? and ? order by day, name", [first.isoformat(), last.isoformat()])]


def list_holidays(db, year: int | None, limit: int, offset: int) -> tuple[list[dict], int]:
    """A page of rows, by day, of one year or of all."""
    where, params = ("where day like ?", [f"{year:04d}-%"]) if year else ("", [])
    total = db.execute(f"select count(*) from holidays {where}", params).fetchone()[0]
    rows = select(db, f"select * from holidays {where} order by day, name limit ? offset ?", [*params, limit, offset])
    return [_represent(row) for row in rows], total


def _check_free(db, day: str, name: str, holiday_id: int | None = None) -> None:
    found = db.execute("select id from holidays where day = ? and name = ? and id is not ?",
                       [day, name, holiday_id]).fetchone()
    if found:
        raise ConflictError(f"The day {day} already has an entry named '{name}'.", {"name": ["Already taken."]})


def create(db, data: dict, actor: str) -> dict:
    """Add a day (caller holds the write transaction); the holidays feed moves."""
    row = {"day": data["day"].isoformat(), "name": data["name"], "kind": data["kind"]}
    _check_free(db, row["day"], row["name"])
    now = now_stored()
    holiday_id = audit.unused_id(db, "holidays", "holiday")
    with feed_versions.changing(db, holidays=True):
        db["holidays"].insert({**row, "id": holiday_id, "source": "editor", "created_at": now, "updated_at": now})
    created = get(db, holiday_id)
    audit.record(db, actor, "holiday", holiday_id, created["day"], "create", None, created)
    return created


def update(db, holiday_id: int, changes: dict, actor: str) -> dict:
    """Change some fields of a day."""
    before = get(db, holiday_id)
    row = {key: (changes[key].isoformat() if key == "day" else changes[key]) for key in COLUMNS if key in changes}
    merged = {**before, **row}
    _check_free(db, merged["day"], merged["name"], holiday_id)
    with feed_versions.changing(db, holidays=True):
        db["holidays"].update(holiday_id, {**row, "updated_at": now_stored()})
    after = get(db, holiday_id)
    audit.record(db, actor, "holiday", holiday_id, after["day"], "update", before, after)
    return after


def delete(db, holiday_id: int, actor: str) -> None:
    """Remove a day (a seeded one too: the office's own list is what counts)."""
    before = get(db, holiday_id)
    with feed_versions.changing(db, holidays=True):
        db["holidays"].delete(holiday_id)
    audit.record(db, actor, "holiday", holiday_id, before["day"], "delete", before, None)


def by_day(db, first: date, last: date) -> dict[date, list[dict]]:
    """The rows of each day from first to last that has any."""
    found: dict[date, list[dict]] = {}
    for row in between(db, first, last):
        found.setdefault(date.fromisoformat(row["day"]), []).append(row)
    return found


def non_working(day: date, rows: list[dict]) -> list[dict]:
    """Why a day is not worked: its holiday rows, or a weekend pseudo-row unless it is a working day."""
    if any(row["kind"] == "working_day" for row in rows):
        return []
    off = [row for row in rows if row["kind"] in DAYS_OFF]
    if not off and day.weekday() >= 5:
        return [{"day": day.isoformat(), "name": None, "kind": "weekend"}]
    return off


def non_working_days(db, first: date, last: date, limit_days: int = 31) -> list[dict]:
    """Holidays, days off and weekend days (not worked) from first to last, the span capped at limit_days."""
    last = min(last, first + timedelta(days=limit_days - 1))
    rows = by_day(db, first, last)
    found = []
    day = first
    while day <= last:
        found.extend(non_working(day, rows.get(day, [])))
        day += timedelta(days=1)
    return found


def event_days(event: dict) -> tuple[date, date]:
    """The first and last day an event (its first occurrence) covers, in its own zone."""
    if event["all_day"]:
        first = date.fromisoformat(event["start_date"])
        return first, date.fromisoformat(event["end_date"]) if event.get("end_date") else first
    tz = zone(event["timezone"])
    start = datetime.fromisoformat(event["starts_at"]).astimezone(tz)
    end = datetime.fromisoformat(event["ends_at"]).astimezone(tz)
    return start.date(), max(start.date(), (end - timedelta(microseconds=1)).date())


def warnings_for(db, event: dict) -> list[dict]:
    """Why the event's days are not working days (a warning for the editor, never a refusal)."""
    first, last = event_days(event)
    found = []
    for row in non_working_days(db, first, last):
        day = date.fromisoformat(row["day"])
        if row["kind"] == "weekend":
            message = f"{day.isoformat()} is a {'Saturday' if day.weekday() == 5 else 'Sunday'}."
        else:
            message = f"{day.isoformat()} is a day off: {row['name']}."
        found.append({"day": row["day"], "kind": row["kind"], "name": row["name"], "message": message})
    return found
