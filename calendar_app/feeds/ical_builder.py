"""Build RFC 5545 / RFC 7986 feeds from event rows: pure, deterministic, cacheable per event."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from urllib.parse import quote
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vDuration, vRecur, vText
from icalendar.enums import CLASS, STATUS, TRANSP
from icalendar.prop import vDDDTypes

from ..recurrence import explicit_dates

__all__ = [
    "BASE_MARK",
    "CALENDAR_FOOTER",
    "CalendarMeta",
    "build_calendar",
    "calendar_header",
    "component_to_ical",
    "event_template",
    "event_to_ical",
    "fill",
    "series_revision",
    "tzids_of",
    "without_statuses",
]

PRODID = "-//calendar_app//Lịch phối hợp//VI"
CALENDAR_FOOTER = b"END:VCALENDAR\r\n"
# A VTIMEZONE only describes transitions inside its range; series run for years, so go wide.
TZ_FIRST_DATE = date(1970, 1, 1)
TZ_LAST_DATE = date(2100, 1, 1)

KIND_LABELS = {
    "signing_ceremony": "Lễ ký kết",
    "joint_workshop": "Hội thảo",
    "volunteer_program": "Chương trình tình nguyện",
    "review_meeting": "Hội nghị giao ban",
    "other": "Khác",
}
AGREEMENT_KIND_LABELS = {
    "regulation": "Quy chế phối hợp",
    "program": "Chương trình phối hợp",
    "plan": "Kế hoạch phối hợp",
}
# The weekly schedule's fields: a DESCRIPTION line each (what people read) and an X- property each
# (what the importer reads back first: exact text, and a line may have been edited by a client).
SCHEDULE_LABELS = {"chair": "Chủ trì", "attendees": "Thành phần", "preparation": "Chuẩn bị", "note": "Ghi chú"}
SCHEDULE_PROPERTIES = {"chair": "X-CALENDAR-APP-CHAIR", "attendees": "X-CALENDAR-APP-ATTENDEES",
                       "preparation": "X-CALENDAR-APP-PREPARATION", "note": "X-CALENDAR-APP-NOTE"}
EMPHASIS_PROPERTY = "X-CALENDAR-APP-EMPHASIS"
ROLE_LABELS = {"signatory": "bên ký kết", "party": "bên tham gia", "witness": "chứng kiến"}
# RFC 5545 has no "postponed": a postponed meeting does not take place at the time the feed gives,
# and TENTATIVE would tell attendees to keep the slot, so clients get CANCELLED (struck through,
# no reminder) and the first DESCRIPTION line says "Hoãn" with the reason; when it is set again it
# comes back CONFIRMED with a higher SEQUENCE. A feed that hides cancelled events hides these too.
STATUSES = {"confirmed": STATUS.CONFIRMED, "tentative": STATUS.TENTATIVE, "cancelled": STATUS.CANCELLED,
            "postponed": STATUS.CANCELLED}
STATUS_LINES = {"cancelled": "Đã hủy", "postponed": "Hoãn", "tentative": "Dự kiến"}
# ?prefix=1 writes "[label] " before SUMMARY, for clients that ignore STATUS (calcurse, some phones):
# Vietnamese as STATUS_LINES says it, English with lang=en. A status without a line here gets no label.
STATUS_PREFIXES = {status: {"vi": STATUS_LINES[status], "en": english}
                   for status, english in (("tentative", "Tentative"), ("cancelled", "Cancelled"),
                                           ("postponed", "Postponed"))}
CLASSES = {"public": CLASS.PUBLIC, "internal": CLASS.PRIVATE}

# RFC 5545 TEXT forbids these CONTROLs; icalendar writes them raw and strict parsers reject the feed.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Everything RFC 3986 allows literally in a URI; the rest (space, quotes, controls, non-ASCII) is encoded.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~-._"


@dataclass(frozen=True)
class CalendarMeta:
    """What a feed says about itself (RFC 7986 and the X-WR-* fallbacks)."""

    name: str
    description: str
    relcalid: str
    refresh: timedelta = timedelta(hours=1)
    timezone: str = "Asia/Ho_Chi_Minh"


def build_calendar(meta: CalendarMeta | None, events: Iterable[dict], alarm: timedelta | None = None) -> bytes:
    """Build a whole feed exactly as the cache layer rebuilds it from its parts."""
    events = list(events)
    tzids = set().union(*(tzids_of(e) for e in events))
    body = b"".join(event_to_ical(e, alarm) for e in events)
    return calendar_header(meta, tzids) + body + CALENDAR_FOOTER


def calendar_header(meta: CalendarMeta | None, tzids: Iterable[str]) -> bytes:
    """Serialise everything before the first VEVENT: calendar properties, then sorted VTIMEZONEs.

    meta None: an "add this event" file (no name, refresh interval or TTL: not a subscription).
    """
    properties = _calendar_properties(meta).to_ical()
    if not properties.endswith(CALENDAR_FOOTER):  # the cache contract relies on cutting it off
        raise RuntimeError("icalendar no longer ends a VCALENDAR with END:VCALENDAR")
    zones = b"".join(_vtimezone(tzid) for tzid in sorted(set(tzids)))
    return properties[: -len(CALENDAR_FOOTER)] + zones


def tzids_of(event: Mapping) -> set[str]:
    """Name the VTIMEZONEs an event needs: none for all-day or UTC events."""
    if event["all_day"]:
        return set()
    tzid = _tzid_written_for(event["timezone"])
    return {tzid} if tzid else set()


def event_to_ical(event: Mapping, alarm: timedelta | None = None) -> bytes:
    """Serialise the master VEVENT and one VEVENT per override; depends on the arguments only."""
    if alarm is not None and alarm < timedelta(0):
        raise ValueError("alarm must be a non-negative timedelta (how long before the start)")
    series = _Series.of(event)
    components = [_master_event(event, series, alarm)]
    if event.get("rrule"):  # RECURRENCE-ID/EXDATE mean nothing without a rule to refer to
        components += [_override_event(event, series, o, alarm) for o in _sorted_overrides(event, series)]
    return b"".join(map(component_to_ical, components))


def component_to_ical(component) -> bytes:
    """component.to_ical(), folded by _fold in bytes instead of icalendar's per-character _foldline.

    The same bytes (tests/test_ical_builder.py compares them over varied events); icalendar's fold
    was a third of every event's serialisation. Its Contentlines.to_ical also skips empty lines.
    """
    return b"".join(_fold(line.encode()) + b"\r\n" for line in component.content_lines(sorted=True) if line)


def feed_status(status: str) -> str:
    """The status a feed filter sees: a postponed occurrence is as cancelled as its STATUS says."""
    return "cancelled" if status == "postponed" else status


def without_statuses(event: Mapping, hidden: frozenset[str]) -> Mapping:
    """Leave out the overridden occurrences whose status is hidden (cancelled=hide): they become EXDATEs."""
    overrides = event.get("overrides") or ()
    if not any(feed_status(o["status"]) in hidden for o in overrides):
        return event
    return {**event, "overrides": [o for o in overrides if feed_status(o["status"]) not in hidden],
            "exdates": [*event["exdates"],
                        *(o["recurrence_id"] for o in overrides if feed_status(o["status"]) in hidden)],
            "revision": series_revision(event)}  # the hidden ones changed the series too


def series_revision(event: Mapping) -> tuple[int, datetime]:
    """The SEQUENCE and last change of a whole series: its own row's or any override's, whichever is later.

    Evolution (and any client that keys a UID's revision on the first component it meets for it)
    sees only the master VEVENT's DTSTAMP, LAST-MODIFIED and SEQUENCE; a changed override must
    change them, or the client keeps the old occurrences. Every VEVENT of the series carries this
    SEQUENCE: once raised it must never fall for any instance (repositories/overrides.py keeps
    it rising on every override write).
    """
    if "revision" in event:
        return event["revision"]
    overrides = (event.get("overrides") or ()) if event.get("rrule") else ()
    sequence = max([event["sequence"], *(o.get("sequence", 0) for o in overrides)])
    updated = max([event["updated_at"], *(o["updated_at"] for o in overrides if o.get("updated_at"))])
    return sequence, updated


# --- templates: one stored form per event, completed per request ------------------------------
#
# What varies per request and not per event (the base URL of the links, the reminder of alarm=)
# must not be baked into stored bytes, or every Host and every alarm= value would serialise and
# store the whole feed again. A template is the event serialised with marks in their place:
# BASE_MARK as the base URL (its lines kept unfolded, since the real URL changes their length) and
# a reminder with _ALARM_MARK as its trigger. fill() completes a run of templates with byte
# operations only. A user who types BASE_MARK into a text gets the base URL there, nothing worse.

BASE_MARK = "http://base.calendar-app.invalid"  # URI-safe and TEXT-safe: _uri and escaping keep it as is
_ALARM_MARK = timedelta(days=27, seconds=1)
_TRIGGER = b"\r\nTRIGGER:"
_TRIGGER_MARK = _TRIGGER + vDuration(-_ALARM_MARK).to_ical() + b"\r\n"
# A whole VALARM, from its BEGIN line to its END line (physical lines: a folded one continues with a space).
_VALARM = re.compile(rb"\r\nBEGIN:VALARM\r\n(?:[^\r]*\r\n)*?END:VALARM(?=\r\n)")
_FOLD = b"\r\n "
_LOGICAL_LINE_END = re.compile(rb"\r\n(?! )")
_FOLD_OCTETS = 74  # icalendar folds before the octet that would make a line 75 long (the space included after)


def event_template(event: Mapping) -> bytes:
    """Serialise an event built on BASE_MARK as a template for fill(): marked lines cut open, a marked reminder."""
    body = event_to_ical(event, _ALARM_MARK)
    mark = BASE_MARK.encode()
    statuses = iter(_component_statuses(event))
    # Logical lines: a CRLF followed by a space only folds a line (RFC 5545 3.1).
    lines = _LOGICAL_LINE_END.split(body)
    for number, line in enumerate(lines):
        unfolded = line.replace(_FOLD, b"") if _FOLD in line else line
        if mark in unfolded:
            lines[number] = _open_at_mark(unfolded, mark)
        if line.startswith(_SUMMARY):  # one per VEVENT (a VALARM has none), in the order of its component
            status = next(statuses, None)
            if status in STATUS_PREFIXES:
                # Unfolded, with the status marked where a label may go: fill() takes the mark out and folds.
                lines[number] = _SUMMARY + _status_mark(status) + unfolded[len(_SUMMARY):]
    return b"\r\n".join(lines)


# The status of a component marked in a template's SUMMARY; _text() keeps every CONTROL out of
# serialised text, so no stored text can hold or forge a mark.
_SUMMARY = b"SUMMARY:"
_STATUS_MARK = re.compile(rb"\x1f([a-z_]+)\x1f")


def _status_mark(status: str) -> bytes:
    return b"\x1f" + status.encode() + b"\x1f"


def _component_statuses(event: Mapping) -> list[str]:
    """The status of each VEVENT event_to_ical writes, in its order: the series, then its overrides."""
    statuses = [event.get("status")]
    if event.get("rrule"):
        series = _Series.of(event)
        statuses += [o.get("status") or event["status"] for o in _sorted_overrides(event, series)]
    return statuses


def _with_prefixes(body: bytes, language: str | None) -> bytes:
    """Put the label of each marked status before its SUMMARY (language None: none), folding as icalendar does."""
    if b"\x1f" not in body:
        return body
    parts, position = [], 0
    while (found := _STATUS_MARK.search(body, position)) is not None:
        labels = STATUS_PREFIXES.get(found[1].decode())
        label = vText(f"[{labels[language]}] ").to_ical() if labels and language else b""
        end = body.find(b"\r\n", found.end())
        line = body[found.start() - len(_SUMMARY):found.start()] + label + body[found.end():end]
        # A line that still holds BASE_MARK is folded once the mark is replaced (fill, below).
        parts += [body[position:found.start() - len(_SUMMARY)], line if BASE_MARK.encode() in line else _fold(line)]
        position = end
    parts.append(body[position:])
    return b"".join(parts)


def _open_at_mark(line: bytes, mark: bytes) -> bytes:
    """Fold a marked line up to the piece where the mark starts and leave the rest unfolded.

    Folding runs left to right, so the pieces before the mark are the same whatever base URL
    replaces it; fill() then only folds the rest again (in a description, the short link lines).
    """
    pieces, kept, at = _pieces(line), [], line.find(mark)
    for piece in pieces:
        if at < len(piece):
            break
        kept.append(piece)
        at -= len(piece)
    rest = line[sum(map(len, kept)):]
    return _FOLD.join([*kept, rest])


def fill(templates: bytes, base_url: str, alarm: timedelta | None, prefix: str | None = None) -> bytes:
    """Complete templates for one request: the bytes event_to_ical writes for this base URL and reminder.

    prefix (a language of STATUS_PREFIXES) writes the status labels of ?prefix=1 before SUMMARY.
    """
    templates = _with_prefixes(templates, prefix)
    if alarm is None:
        body = _VALARM.sub(b"", templates)
    elif alarm < timedelta(0):
        raise ValueError("alarm must be a non-negative timedelta (how long before the start)")
    else:
        body = templates.replace(_TRIGGER_MARK, _TRIGGER + vDuration(-alarm).to_ical() + b"\r\n")
    mark = BASE_MARK.encode()
    as_uri, as_text = _uri(base_url).encode(), vText(_text(base_url)).to_ical()
    parts, position = [], 0
    while (found := body.find(mark, position)) >= 0:
        start = body.rfind(b"\n", 0, found) + 1
        if body[start] == 0x20:  # the rest of a line cut open by _open_at_mark, after its folded pieces
            start += 1
        end = body.find(b"\r\n", found)
        value = as_text if as_uri == as_text or not _is_url_line(body, start) else as_uri
        parts += [body[position:start], _fold(body[start:end].replace(mark, value))]
        position = end
    parts.append(body[position:])
    return b"".join(parts)


def _is_url_line(body: bytes, start: int) -> bool:
    """Whether the content line holding the physical line at start is a URL property (a URI, not TEXT)."""
    while (crlf := body.rfind(b"\r\n", 0, start)) >= 0 and body[crlf + 2] == 0x20:  # back over folds
        start = crlf
    return body.startswith((b"URL:", b"URL;"), crlf + 2 if crlf >= 0 else 0)


def _fold(line: bytes) -> bytes:
    """Fold one unfolded content line exactly as icalendar's Contentline.to_ical does, in bytes."""
    return line if len(line) <= _FOLD_OCTETS else _FOLD.join(_pieces(line))


def _pieces(line: bytes) -> list[bytes]:
    """Cut a line as icalendar folds it: before the character that would make a piece 75 octets long
    (never inside a UTF-8 sequence), moving a backslash or caret that would end a piece to the next one
    so that an escape is never split. (A per-character loop like icalendar's costs most of a feed.)
    """
    pieces, start = [], 0
    while len(line) - start > _FOLD_OCTETS:
        end = start + _FOLD_OCTETS
        while line[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            end -= 1
        if line[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return pieces


# --- calendar level ---------------------------------------------------------------------------


def _calendar_properties(meta: CalendarMeta | None) -> Calendar:
    """Build the VCALENDAR properties: a subscription describes itself, an "add this event" file does not.

    No UID and no METHOD (README, "Calendar clients"): vdirsyncer's http storage takes the first
    UID line of each item it splits off as the item's id, and an RFC 7986 calendar UID comes before
    every VEVENT's, so the whole feed collapsed into one event; METHOD:PUBLISH obliges an ORGANIZER
    on every VEVENT (RFC 5546; libical's restriction check rejects them) and turns each event into
    an invitation from that address. X-WR-RELCALID keeps naming the calendar.
    """
    cal = Calendar()  # not Calendar.new(): it always writes a UID, a random one when none is given
    cal.add("VERSION", "2.0")
    cal.add("PRODID", PRODID)
    cal.add("CALSCALE", "GREGORIAN")
    if meta is None:  # a calendar name, refresh interval or TTL makes Outlook and Apple subscribe
        return cal
    # Not name=/description=: icalendar 7.3 types NAME, X-WR-CALNAME and X-WR-CALDESC as vUnknown
    # and writes them unescaped (a newline is stopped only by an assert, gone under python -O).
    for prop, value in [
        ("NAME", meta.name),
        ("X-WR-CALNAME", meta.name),
        ("DESCRIPTION", meta.description),
        ("X-WR-CALDESC", meta.description),
        ("X-WR-TIMEZONE", meta.timezone),
        ("X-WR-RELCALID", meta.relcalid),
    ]:
        cal.add(prop, vText(_text(value)))
    # icalendar's refresh_interval= omits VALUE=DURATION, which RFC 7986 requires.
    cal.add("REFRESH-INTERVAL", meta.refresh, parameters={"VALUE": "DURATION"})
    # A bare timedelta would be written as "1:00:00"; vDuration writes "PT1H".
    cal.add("X-PUBLISHED-TTL", vDuration(meta.refresh))
    return cal


@functools.lru_cache(maxsize=None)
def _vtimezone(tzid: str) -> bytes:
    """Generate a VTIMEZONE once per zone: it costs tens of milliseconds."""
    zone = Timezone.from_tzid(tzid, first_date=TZ_FIRST_DATE, last_date=TZ_LAST_DATE)
    # icalendar notes its range in a COMMENT on the VTIMEZONE itself, where RFC 5545 allows none
    # (only in STANDARD/DAYLIGHT): libical's restriction check rejects the calendar for it.
    zone.pop("COMMENT", None)
    return zone.to_ical()


@functools.lru_cache(maxsize=None)
def _tzid_written_for(name: str) -> str | None:
    """Ask icalendar which TZID it writes for a zone, so header and events always agree."""
    return vDDDTypes(datetime(2000, 1, 1, tzinfo=ZoneInfo(name))).params.get("TZID")


# --- one event --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    """The normalised time data every VEVENT of one event is derived from."""

    zone: ZoneInfo
    all_day: bool
    start: date | datetime
    end: date | datetime | None  # exclusive; None only for a timed event without an end

    @classmethod
    def of(cls, event: Mapping) -> _Series:
        """Normalise a row's start/end into the event's own IANA zone (or dates for all-day)."""
        zone = ZoneInfo(event["timezone"])
        if event["all_day"]:
            start = event["start_date"]
            return cls(zone, True, start, _exclusive_end(start, event.get("end_date")))
        end = event.get("ends_at")
        return cls(zone, False, _local(event["starts_at"], zone), end and _local(end, zone))

    @property
    def duration(self) -> timedelta | None:
        """Give the series length (wall clock) that moved occurrences keep."""
        return None if self.end is None else self.end - self.start

    def point(self, value: date | datetime) -> date | datetime:
        """Coerce a RECURRENCE-ID/EXDATE value to the type and zone of DTSTART."""
        if self.all_day:
            return _local(value, self.zone).date() if isinstance(value, datetime) else value
        if isinstance(value, datetime):
            return _local(value, self.zone)
        return datetime.combine(value, self.start.time(), tzinfo=self.zone)


def _master_event(event: Mapping, series: _Series, alarm: timedelta | None) -> Event:
    """Build the series VEVENT with its rule, exceptions and optional reminder."""
    sequence, updated_at = series_revision(event)
    ev = _vevent(
        event,
        start=series.start,
        end=series.end,
        title=event["title"],
        location=event.get("location"),
        description=event.get("description"),
        status=event["status"],
        reason=event.get("status_reason"),
        sequence=sequence,
        updated_at=updated_at,
    )
    if event.get("rrule"):
        _add_recurrence(ev, event["rrule"], series)
        exdates = sorted({series.point(value) for value in event.get("exdates") or ()})
        if exdates:
            ev.add("EXDATE", exdates)
    _add_alarm(ev, alarm, event["title"], event["status"])
    return ev


def _override_event(event: Mapping, series: _Series, override: Mapping, alarm: timedelta | None) -> Event:
    """Build the VEVENT that replaces one occurrence, falling back to the series for anything unset."""
    recurrence_id = series.point(override["recurrence_id"])
    start, end = _override_span(series, override, recurrence_id)
    title = _fallback(override.get("title"), event["title"])
    status = override.get("status") or event["status"]
    ev = _vevent(
        event,
        start=start,
        end=end,
        title=title,
        location=_fallback(override.get("location"), event.get("location")),
        description=_fallback(override.get("description"), event.get("description")),
        status=status,
        # The override's own reason only: the series' reason explains the series' status, not this one's.
        reason=override.get("status_reason") if override.get("status") else event.get("status_reason"),
        sequence=series_revision(event)[0],
        updated_at=override.get("updated_at") or event["updated_at"],
    )
    ev.add("RECURRENCE-ID", recurrence_id)
    _add_alarm(ev, alarm, title, status)
    return ev


def _override_span(series: _Series, override: Mapping, recurrence_id: date | datetime):
    """Take the override's new times, else the original occurrence, keeping the series length."""
    if series.all_day:
        start = override.get("start_date") or recurrence_id
        end_date = override.get("end_date")
        end = end_date + timedelta(days=1) if end_date else start + series.duration
        return start, end
    new_start, new_end = override.get("starts_at"), override.get("ends_at")
    start = _local(new_start, series.zone) if new_start else recurrence_id
    if new_end:
        return start, _local(new_end, series.zone)
    return start, (None if series.duration is None else start + series.duration)


def _vevent(
    event: Mapping, *, start, end, title, location, description, status, reason, sequence, updated_at
) -> Event:
    """Build a VEVENT with the properties master and overrides share; text escaped by icalendar."""
    stamp = _utc(updated_at)
    ev = Event.new(
        uid=event["uid"],
        stamp=stamp,  # never "now": same data, same bytes
        created=_utc(event["created_at"]),
        last_modified=stamp,
        sequence=sequence,
        start=start,
        end=end,
        summary=_text(title),
        description=_text(_description(event, description, status, reason)),
        location=_text(location) if location else None,
        url=_uri(event.get("url") or event["page_url"]),
        categories=[KIND_LABELS.get(event["kind"], KIND_LABELS["other"])],
        status=_lookup(STATUSES, status, "status"),
        classification=_lookup(CLASSES, event["visibility"], "visibility"),
        transparency=TRANSP.TRANSPARENT,
    )
    _add_schedule_properties(ev, event)
    return ev


def _add_schedule_properties(ev: Event, event: Mapping) -> None:
    """The schedule's fields as X- properties, so an import of this feed gets them back exactly."""
    for field, prop in SCHEDULE_PROPERTIES.items():
        if event.get(field):
            # VALUE=TEXT: without it parsers (icalendar too) read an X- property raw, its escapes kept.
            ev.add(prop, vText(_text(event[field])), parameters={"VALUE": "TEXT"})
    if event.get("emphasis"):
        ev.add(EMPHASIS_PROPERTY, "TRUE")


def _add_alarm(ev: Event, alarm: timedelta | None, title: str, status: str) -> None:
    """Remind before the start, except for occurrences that will not happen."""
    if alarm is not None and STATUSES.get(status) != STATUS.CANCELLED:
        ev.add_component(Alarm.new_display(description=_text(title), trigger=-alarm))


def _add_recurrence(ev: Event, value: str, series: _Series) -> None:
    """RRULE, or RDATEs for a rule clients cannot expand (FREQ=LUNAR_YEARLY: every date written out)."""
    dates = explicit_dates(value, series.start)
    if dates is None:
        ev.add("RRULE", _rrule(value, series))
    elif dates[1:]:
        ev.add("RDATE", dates[1:])  # DTSTART is the first occurrence already


def _rrule(value: str, series: _Series) -> vRecur:
    """Parse the stored RRULE and make UNTIL the type RFC 5545 demands for this DTSTART."""
    rule = vRecur.from_ical(value)
    if "UNTIL" in rule:
        rule["UNTIL"] = [_until(until, series) for until in rule["UNTIL"]]
    return rule


def _until(until: date | datetime, series: _Series) -> date | datetime:
    """Give a DATE for all-day series, else UTC; a bare date keeps its whole (local) day."""
    if not isinstance(until, datetime):
        if series.all_day:
            return until
        until = datetime.combine(until, time(23, 59, 59))
    if until.tzinfo is None:  # floating UNTIL: read it in the event's own zone
        until = until.replace(tzinfo=series.zone)
    return until.astimezone(series.zone).date() if series.all_day else until.astimezone(timezone.utc)


def _sorted_overrides(event: Mapping, series: _Series) -> list[Mapping]:
    """Order overrides by the occurrence they replace, so row order never changes the bytes."""
    return sorted(event.get("overrides") or (), key=lambda o: series.point(o["recurrence_id"]))


# --- text -------------------------------------------------------------------------------------


def _description(event: Mapping, text: str | None, status: str, reason: str | None) -> str:
    """Put the status in words first (a postponed STATUS reads CANCELLED), then the description, the schedule's
    fields, the agreement, the parties and the links."""
    schedule = "\n".join(schedule_lines(event))
    details = "\n".join(_detail_lines(event))
    return "\n\n".join(part for part in (_status_line(status, reason), text, schedule, details) if part)


def _status_line(status: str, reason: str | None) -> str | None:
    """Say "Hoãn: <reason>": always for postponed, for the others only when a reason is given."""
    word = STATUS_LINES.get(status)
    if word is None or (reason is None and status != "postponed"):
        return None
    return f"{word}: {reason}" if reason else word


def schedule_lines(event: Mapping) -> Iterable[str]:
    """One "Label: value" line per schedule field that is set (Chủ trì, Thành phần, Chuẩn bị, Ghi chú)."""
    for field, label in SCHEDULE_LABELS.items():
        if event.get(field):
            yield f"{label}: {event[field]}"


def _detail_lines(event: Mapping) -> Iterable[str]:
    """Describe the agreement context in Vietnamese, one fact per line."""
    agreement = event.get("agreement")
    if agreement:
        kind = AGREEMENT_KIND_LABELS.get(agreement.get("kind"), agreement.get("kind"))
        yield f"Văn bản: {agreement['title']}" + (f" ({kind})" if kind else "")
    parties = event.get("parties") or ()
    if parties:
        yield "Các bên:"
        yield from (f"- {_party(p)}" for p in parties)
    organizations = [o["name"] for o in event.get("organizations") or ()]
    if organizations:
        yield "Đơn vị tham gia: " + ", ".join(organizations)
    yield f"Chi tiết: {event['page_url']}"
    if agreement and agreement.get("url"):
        yield f"Toàn văn: {agreement['url']}"


def _party(party: Mapping) -> str:
    """Render "organization (role): title name" in the Vietnamese order."""
    role = ROLE_LABELS.get(party.get("role"), party.get("role"))
    line = f"{party['organization_name']} ({role})" if role else party["organization_name"]
    person = " ".join(x for x in (party.get("signatory_title"), party.get("signatory_name")) if x)
    return f"{line}: {person}" if person else line


def _text(value: str) -> str:
    """Make text representable in iCalendar TEXT: CR/CRLF become LF, other CONTROLs go."""
    return _CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _uri(value: str) -> str:
    """Percent-encode what a URI may not hold literally; icalendar writes URL values raw."""
    return quote(value, safe=_URI_SAFE)


def _fallback(value, default):
    """Use the override's value unless it is None (None means same as the series)."""
    return default if value is None else value


def _lookup(table: Mapping, key: str, field: str):
    """Map a stored enum value, naming the field when the row holds something unknown."""
    try:
        return table[key]
    except KeyError:
        raise ValueError(f"unknown {field} {key!r}; expected one of {sorted(table)}") from None


# --- time -------------------------------------------------------------------------------------


def _local(value: datetime, zone: tzinfo) -> datetime:
    """Express an aware datetime in the event's IANA zone; fixed offsets would give bogus TZIDs."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r} would become a floating time")
    return value.astimezone(zone)


def _utc(value: datetime) -> datetime:
    """Give the UTC form DTSTAMP, CREATED and LAST-MODIFIED require."""
    return _local(value, timezone.utc)


def _exclusive_end(start: date, end_date: date | None) -> date:
    """Turn the stored inclusive last day into DTEND's exclusive date (one day when absent)."""
    return (end_date or start) + timedelta(days=1)
