"""Import events from an iCalendar file: UIDs kept, re-import updates, all or nothing.

The file is checked in three passes before anything is written: a cheap line scan
(size, nesting, component count, BEGIN/END balance, with line numbers), icalendar's parse,
then each VEVENT through EventInSchema, the same rules as the API. Any problem is reported by
line or UID and nothing from the file is written.
"""

import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from icalendar import Calendar, vText
from marshmallow import ValidationError

from .db import get_db, write_transaction
from .errors import ApiError, BadRequest, NotFoundError, ValidationFailed
from .eventtime import known_timezones, zone
from .feeds.ical_builder import EMPHASIS_PROPERTY, KIND_LABELS, SCHEDULE_LABELS, SCHEDULE_PROPERTIES
from .progress import progress
from .repositories import events, organizations, overrides
from .schemas.events import EventInSchema
from .settings import default_timezone
from .schemas.overrides import OverrideInSchema

MAX_COMPONENTS = 5000
MAX_DEPTH = 4  # VCALENDAR > VEVENT > VALARM, VCALENDAR > VTIMEZONE > STANDARD
MAX_LINE_OCTETS = 64 * 1024
MAX_UID_LENGTH = 255
KINDS_BY_LABEL = {**{label.casefold(): kind for kind, label in KIND_LABELS.items()},
                  **{kind: kind for kind in KIND_LABELS}}
VISIBILITY = {"PUBLIC": "public", "PRIVATE": "internal", "CONFIDENTIAL": "internal"}
TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE", "RECURRENCE-ID")
ACTOR_CLI = "system:import-ics"
_TEXT_ESCAPE = re.compile(r"\\([\\;,nN])")  # RFC 5545 3.3.11


class MappingError(ValueError):
    """A VEVENT property the API has no field for in that shape; `field` names it."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass
class Component:
    """A VEVENT found by the scan: where it starts and its parsed form."""

    line: int
    event: object = None
    uid: str | None = None
    fields: dict = field(default_factory=dict)


def scan(data: bytes, max_bytes: int) -> list[int]:
    """Check the file's shape without parsing values; return the start line of each top-level VEVENT."""
    if len(data) > max_bytes:
        raise BadRequest(f"The file is larger than {max_bytes // 1024} KiB.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise _parse_error(line, "Not UTF-8 text.") from None
    text = text.removeprefix("\ufeff")  # a byte order mark, as some Windows exports write
    stack: list[str] = []
    starts, components, seen_calendar, last = [], 0, False, 1
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if len(line.encode()) > MAX_LINE_OCTETS:
            raise _parse_error(number, "Line too long.")
        if not line or line[0] in " \t":
            continue  # folded continuation (or a blank line icalendar tolerates)
        last = number
        name, _, value = line.partition(":")
        upper, value = name.upper(), value.strip().upper()
        if upper == "BEGIN":
            if not stack and (value != "VCALENDAR" or seen_calendar):
                raise _parse_error(number, "Expected one VCALENDAR, and nothing outside it.")
            seen_calendar = True
            components += 1
            if components > MAX_COMPONENTS:
                raise _parse_error(number, f"More than {MAX_COMPONENTS} components.")
            if len(stack) >= MAX_DEPTH:
                raise _parse_error(number, f"Components nested deeper than {MAX_DEPTH} levels.")
            if value == "VEVENT" and stack != ["VCALENDAR"]:
                # icalendar would parse it as a subcomponent that no one reads: the event vanished silently.
                raise _parse_error(number, f"VEVENT inside {stack[-1]}: events belong directly in VCALENDAR "
                                           f"(END:{stack[-1]} is missing before it).")
            if value == "VEVENT":
                starts.append(number)
            stack.append(value)
        elif upper == "END":
            if not stack or stack[-1] != value:
                expected = f"END:{stack[-1]}" if stack else "nothing"
                raise _parse_error(number, f"END:{value} does not close the open component (expected {expected}).")
            stack.pop()
        elif not stack:
            raise _parse_error(number, "Content outside BEGIN:VCALENDAR … END:VCALENDAR.")
        elif ":" not in line:
            raise _parse_error(number, "Not a content line (NAME:value).")
    if stack:
        raise _parse_error(last, f"BEGIN:{stack[-1]} is never closed.")
    if not seen_calendar:
        raise _parse_error(1, "No BEGIN:VCALENDAR.")
    return starts


def _parse_error(line: int, message: str) -> BadRequest:
    return BadRequest(f"The file is not valid iCalendar: line {line}: {message}", {f"line {line}": [message]})


def parse(data: bytes, max_bytes: int) -> list[Component]:
    """Scan and parse a file into its top-level VEVENTs, each with its line number."""
    starts = scan(data, max_bytes)
    try:
        calendar = Calendar.from_ical(data.decode("utf-8").removeprefix("\ufeff"))
    except ValueError as error:
        raise BadRequest(f"The file is not valid iCalendar: {str(error).splitlines()[0]}") from None
    vevents = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    if len(vevents) != len(starts):  # the scan and icalendar must agree on what they saw
        raise BadRequest("The file is not valid iCalendar: its components could not be read consistently.")
    return [Component(line, event) for line, event in zip(starts, vevents)]


# --- VEVENT to API fields ---------------------------------------------------------------------


def _text(event, name: str) -> str | None:
    value = event.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0]
    return str(value)


def _zone_name(moment: datetime) -> str:
    key = getattr(moment.tzinfo, "key", None)
    return key if key in known_timezones() else default_timezone()


def _local(moment: datetime, tz_name: str) -> datetime:
    if moment.tzinfo is None:  # floating time: read it in the calendar's zone
        return moment.replace(tzinfo=zone(tz_name))
    return moment.astimezone(zone(tz_name))


def _kind(event) -> str:
    categories = event.get("CATEGORIES")
    items = categories if isinstance(categories, list) else [categories] if categories is not None else []
    for category in items:
        for value in category.cats:
            kind = KINDS_BY_LABEL.get(str(value).strip().casefold())
            if kind:
                return kind
    return "other"


def _times(event) -> dict:
    """DTSTART/DTEND/DURATION as the API's starts_at/ends_at or start_date/end_date (inclusive)."""
    start = event["DTSTART"].dt
    end = event["DTEND"].dt if "DTEND" in event else None
    if end is None and "DURATION" in event:
        end = start + event["DURATION"].dt
    if not isinstance(start, datetime):
        exclusive = isinstance(end, date) and not isinstance(end, datetime) and end > start
        last = end - timedelta(days=1) if exclusive else start
        return {"all_day": True, "start_date": start.isoformat(), "end_date": last.isoformat(),
                "timezone": default_timezone()}
    tz_name = _zone_name(start)
    ends = _local(end, tz_name) if isinstance(end, datetime) else _local(start, tz_name)
    return {"all_day": False, "starts_at": _local(start, tz_name).isoformat(), "ends_at": ends.isoformat(),
            "timezone": tz_name}


def _exdates(event, fields: dict) -> list[str]:
    value = event.get("EXDATE")
    lists = value if isinstance(value, list) else [value] if value is not None else []
    found = []
    for item in lists:
        for moment in (d.dt for d in item.dts):
            if fields["all_day"]:
                found.append((moment.date() if isinstance(moment, datetime) else moment).isoformat())
            elif isinstance(moment, datetime):
                found.append(_local(moment, fields["timezone"]).isoformat())
            else:  # a DATE EXDATE of a timed series: that day's occurrence, at the series' time
                start = datetime.fromisoformat(fields["starts_at"])
                found.append(datetime.combine(moment, start.timetz()).isoformat())
    return found


def _x_text(event, name: str) -> str | None:
    """An X- property's text; one written without VALUE=TEXT comes raw from icalendar, its escapes still in."""
    value = event.get(name)
    if isinstance(value, list):
        value = value[0]
    if value is None or isinstance(value, vText):
        return None if value is None else str(value)
    return _TEXT_ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], str(value))


def _schedule(event) -> dict:
    """The schedule's fields and the description without their lines: X- properties first, else the lines.

    The feed writes both (see ical_builder.schedule_lines); a file from elsewhere may have only the
    "Chủ trì: …" lines a clerk typed into the description, which become the fields here.
    """
    found = {field: _x_text(event, prop) for field, prop in SCHEDULE_PROPERTIES.items() if _x_text(event, prop)}
    labels = {f"{label}: ": field for field, label in SCHEDULE_LABELS.items()}
    description, paragraphs = _text(event, "DESCRIPTION"), []
    for paragraph in (description or "").split("\n\n"):
        kept = []
        for line in paragraph.split("\n"):
            field = next((f for prefix, f in labels.items() if line.startswith(prefix)), None)
            value = line[len(SCHEDULE_LABELS[field]) + 2:].strip() if field else None
            if field and value and found.setdefault(field, value) == value:
                continue  # the line says what the field holds: not part of the event's own description
            kept.append(line)
        if kept:  # a paragraph of schedule lines only goes
            paragraphs.append("\n".join(kept))
    found["description"] = "\n\n".join(paragraphs) if description is not None else None
    found["emphasis"] = (_text(event, EMPHASIS_PROPERTY) or "").strip().upper() == "TRUE"
    return found


def to_input(event) -> dict:
    """Map one VEVENT to the JSON an API client would send for it."""
    fields = {"title": _text(event, "SUMMARY"), "kind": _kind(event), **_schedule(event),
              "location": _text(event, "LOCATION"),
              "url": _text(event, "URL"),
              "status": (_text(event, "STATUS") or "CONFIRMED").lower(),
              "visibility": VISIBILITY.get((_text(event, "CLASS") or "PUBLIC").upper(), "internal")}
    fields.update(_times(event))
    rule = event.get("RRULE")
    if isinstance(rule, list):
        raise MappingError("rrule", "More than one RRULE; only one rule per event is supported.")
    if rule is not None:
        fields["rrule"] = rule.to_ical().decode()
        if not fields["rrule"]:  # icalendar reads unknown text as an empty rule: never drop it silently
            raise MappingError("rrule", "RRULE could not be read; give FREQ=… and its parts.")
    fields["exdates"] = _exdates(event, fields)
    return {k: v for k, v in fields.items() if v is not None}


def _override_input(event, master: dict) -> dict:
    """Map a RECURRENCE-ID VEVENT to override fields, checked by the API's OverrideInSchema (bounds included)."""
    recurrence = event["RECURRENCE-ID"].dt
    times = _times(event)
    payload = {"status": (_text(event, "STATUS") or "CONFIRMED").lower(), "title": _text(event, "SUMMARY"),
               "location": _text(event, "LOCATION"), "description": _text(event, "DESCRIPTION")}
    if master["all_day"]:
        if times["all_day"]:
            payload.update(start_date=times["start_date"], end_date=times["end_date"])
        recurrence_text = (recurrence.date() if isinstance(recurrence, datetime) else recurrence).isoformat()
    else:
        if not times["all_day"]:
            payload.update(starts_at=times["starts_at"], ends_at=times["ends_at"])
        if not isinstance(recurrence, datetime):
            raise ValueError("RECURRENCE-ID must be a date-time for a timed series.")
        recurrence_text = _local(recurrence, master["timezone"]).isoformat()
    return {"recurrence_id": recurrence_text, **OverrideInSchema().load(payload)}


# --- validation and writing -------------------------------------------------------------------


def _broken(event) -> dict:
    return {name: [message] for name, message in getattr(event, "errors", []) if name in TIME_PROPERTIES}


def validate(components: list[Component], organization: str, agreement: str | None) -> None:
    """Check every VEVENT as the API would, reporting all problems by UID and line."""
    problems, seen = {}, set()
    for component in components:
        event = component.event
        uid = _text(event, "UID")
        key = uid or f"(no UID, line {component.line})"
        errors = _broken(event)
        if not uid:
            errors["uid"] = ["Every event needs a UID, so that importing again updates it."]
        elif len(uid) > MAX_UID_LENGTH:
            errors["uid"] = [f"Longer than {MAX_UID_LENGTH} characters."]
            key = uid[:40] + "…"
        elif "RECURRENCE-ID" not in event:
            if uid in seen:
                errors["uid"] = ["The same UID appears twice."]
            seen.add(uid)
        if not errors and "RECURRENCE-ID" not in event:
            try:
                payload = {**to_input(event), "organizations": [organization], "agreement": agreement}
                component.fields = EventInSchema().load(payload)
            except ValidationError as error:
                errors.update(error.messages)
            except KeyError as error:
                errors.setdefault(str(error.args[0]), []).append("Missing.")
            except (ValueError, OverflowError) as error:
                errors.setdefault(getattr(error, "field", "_event"), []).append(str(error))
        component.uid = uid
        if errors:
            problems[key] = {"line": component.line, "errors": errors}
    if problems:
        first = ", ".join(f"UID {k} (line {v['line']})" for k, v in list(problems.items())[:5])
        raise ValidationFailed({"events": problems},
                               f"{len(problems)} event(s) are invalid; nothing was imported: {first}.")


def import_calendar(db, data: bytes, organization: str, agreement: str | None, actor: str,
                    max_bytes: int, bar=None) -> dict:
    """Import a file inside the caller's write transaction; raise (and write nothing) on any problem.

    `bar(length)`, when given, is a progress bar entered around the writes, updated once per VEVENT.
    """
    organizations.get_row(db, organization)  # 404 for an unknown organization
    if agreement and not db.execute("select 1 from agreements where slug = ?", [agreement]).fetchone():
        raise NotFoundError(f"No agreement with slug '{agreement}'.")
    components = parse(data, max_bytes)
    validate(components, organization, agreement)
    with bar(len(components)) if bar else nullcontext() as shown:
        return _write(db, components, organization, agreement, actor, shown.update if shown else None)


def _write(db, components: list[Component], organization: str, agreement: str | None, actor: str,
           step) -> dict:
    created, updated, ids = [], [], {}
    for component in (c for c in components if "RECURRENCE-ID" not in c.event):
        if step:
            step(1)
        existing = db.execute("select id from events where uid = ?", [component.uid]).fetchone()
        fields = {**component.fields, "uid": component.uid}
        if existing:
            current = events.get(db, existing[0])
            fields["organizations"] = sorted(set(current["organizations"]) | {organization})
            fields["agreement"] = agreement or current["agreement"]
            if "CLASS" not in component.event:  # the file does not say: an internal event stays internal
                fields["visibility"] = current["visibility"]
            ids[component.uid] = events.update(db, existing[0], fields, actor)["id"]
            updated.append(component.uid)
        else:
            ids[component.uid] = events.create(db, fields, actor)["id"]
            created.append(component.uid)
    changed = _import_overrides(db, components, ids, actor, step)
    return {"created": created, "updated": updated, "overrides": changed}


def _import_overrides(db, components: list[Component], ids: dict, actor: str, step=None) -> int:
    """Apply RECURRENCE-ID VEVENTs to their series (in this file or already stored)."""
    problems, count = {}, 0
    for component in (c for c in components if "RECURRENCE-ID" in c.event):
        if step:
            step(1)
        key = component.uid
        event_id = ids.get(key) or (db.execute("select id from events where uid = ?", [key]).fetchone() or [None])[0]
        try:
            if event_id is None:
                raise ValueError("No series with this UID in the file or the calendar.")
            master = events.get_row(db, event_id)
            values = _override_input(component.event, master)
            overrides.put(db, event_id, values.pop("recurrence_id"), values, actor)
            count += 1
        except ApiError as error:
            problems[f"{key} (line {component.line})"] = {"line": component.line,
                                                           "errors": error.errors or {"_event": [error.message]}}
        except ValidationError as error:
            problems[f"{key} (line {component.line})"] = {"line": component.line, "errors": error.messages}
        except (ValueError, KeyError, OverflowError) as error:
            problems[f"{key} (line {component.line})"] = {"line": component.line, "errors": {"_event": [str(error)]}}
    if problems:
        raise ValidationFailed({"events": problems}, f"{len(problems)} occurrence override(s) are invalid; "
                                                     "nothing was imported.")
    return count


@click.command("import-ics")
@with_appcontext
@click.argument("file", type=click.File("rb"))
@click.option("--organization", required=True, help="Slug of the organization the events belong to.")
@click.option("--agreement", default=None, help="Slug of the agreement to link the events to.")
def import_ics_command(file, organization, agreement):
    """Import events from an iCalendar file (UIDs kept; importing again updates them)."""
    max_bytes = current_app.config["IMPORT_MAX_BYTES"]
    data = file.read(max_bytes + 1)
    db = get_db()
    try:
        with write_transaction(db):
            result = import_calendar(db, data, organization, agreement, ACTOR_CLI, max_bytes,
                                     bar=lambda length: progress("Importing events", length))
    except ApiError as error:
        click.echo(f"Error: {error.message}", err=True)
        for key, value in (error.errors or {}).get("events", {}).items():
            click.echo(f"  {key}: {value['errors']}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Imported: {len(result['created'])} created, {len(result['updated'])} updated, "
               f"{result['overrides']} occurrence override(s).")
