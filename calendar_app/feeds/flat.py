"""?expand=1: a series' stored template written as one VEVENT per occurrence in a window, by byte operations.

For clients that ignore RECURRENCE-ID (calcurse imports each moved occurrence as another
appointment): no RRULE, EXDATE or RECURRENCE-ID is left, and each occurrence gets a UID of its own,
derived from the series UID and its recurrence id, so that it stays the same from one refresh to
the next. The template keeps its marks (base URL, reminder, status), which fill() completes as for
any feed, so an expanded feed costs an assembly plus the series' expansion, never a serialisation.

What occurs comes from the event row (StoredEvent.occurrences, the API's expansion); what each
occurrence says comes from the template: an override's own VEVENT where it has one, nothing where
the feed hides it (its recurrence id is an EXDATE of the template), else the series' VEVENT moved
to the occurrence's times. An override is found by the occurrence it replaces, so one that moves an
occurrence into the window from outside it is not (it shows where its original slot falls).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from ..stored_event import StoredEvent
from .ical_builder import _fold  # the builder's own folding: the bytes stay those icalendar writes

_LOGICAL_LINE_END = re.compile(rb"\r\n(?! )")
_FOLD = b"\r\n "
_BEGIN, _END = b"BEGIN:VEVENT", b"END:VEVENT"
_DROPPED = (b"RRULE:", b"RRULE;", b"EXDATE:", b"EXDATE;", b"RECURRENCE-ID:", b"RECURRENCE-ID;")


@dataclass(frozen=True)
class Window:
    """The occurrences an expanded feed holds: those overlapping [start, end), at most limit of them."""

    start: datetime
    end: datetime
    limit: int


def is_series(template: bytes) -> bool:
    """Whether a stored template holds a recurring event (its first VEVENT has an RRULE)."""
    return b"\r\nRRULE:" in template


def flatten(template: bytes, event: StoredEvent, window_start: datetime, window_end: datetime,
            limit: int) -> tuple[bytes, int]:
    """The series' occurrences overlapping [window_start, window_end) as VEVENTs: (bytes, their number).

    More than `limit` occurrences raise recurrence.TooManyOccurrences, as the occurrences API does.
    """
    components = _components(template)
    master, overrides = components[0], components[1:]
    utc = _value(master, b"DTSTART").endswith(b"Z")
    hidden = set(_value(master, b"EXDATE").split(b",")) if _value(master, b"EXDATE") else set()
    replaced = {_value(o, b"RECURRENCE-ID"): o for o in overrides}
    uid = _value(master, b"UID")
    out, count = [], 0
    for occurrence in event.occurrences(window_start, window_end, limit=limit):
        recurrence_id = _ical_value(occurrence.recurrence_id, utc)
        if recurrence_id in hidden:
            continue
        count += 1
        if recurrence_id in replaced:
            out.append(_rewritten(replaced[recurrence_id], {b"UID": _derived(uid, recurrence_id)}))
        else:
            out.append(_rewritten(master, {b"UID": _derived(uid, recurrence_id),
                                           b"DTSTART": _ical_value(occurrence.start, utc),
                                           b"DTEND": _ical_value(occurrence.end, utc)}))
    return b"".join(out), count


def _derived(uid: bytes, recurrence_id: bytes) -> bytes:
    """The occurrence's own UID: the series UID and the original start (local, as RECURRENCE-ID writes it)."""
    return uid + b"_R" + recurrence_id


def _components(template: bytes) -> list[list[bytes]]:
    """The template's VEVENTs as lists of logical lines (each still folded as stored)."""
    components, current = [], None
    for line in _LOGICAL_LINE_END.split(template):
        if line == _BEGIN:
            current = [line]
        elif current is not None:
            current.append(line)
            if line == _END:
                components.append(current)
                current = None
    return components


def _value(component: list[bytes], name: bytes) -> bytes:
    """A property's value (after the first colon outside parameters), unfolded; b"" when absent."""
    for line in component:
        if line.startswith((name + b":", name + b";")):
            unfolded = line.replace(_FOLD, b"")
            return unfolded[_value_start(unfolded):]
    return b""


def _value_start(line: bytes) -> int:
    """Where the value of an unfolded content line starts (a TZID parameter holds no colon or quote here)."""
    return line.index(b":") + 1


def _rewritten(component: list[bytes], values: dict[bytes, bytes]) -> bytes:
    """A VEVENT without its recurrence properties and with these properties' values replaced."""
    lines = []
    for line in component:
        if line.startswith(_DROPPED):
            continue
        name = line.split(b":", 1)[0].split(b";", 1)[0]
        if name in values and line.startswith(name):
            unfolded = line.replace(_FOLD, b"")
            line = _fold(unfolded[:_value_start(unfolded)] + values[name])
        lines.append(line)
    return b"\r\n".join(lines) + b"\r\n"


def _ical_value(value: date | datetime, utc: bool) -> bytes:
    """A DATE or DATE-TIME as the series' DTSTART writes it: local time after a TZID, or UTC with Z."""
    if not isinstance(value, datetime):
        return value.strftime("%Y%m%d").encode()
    if utc:
        return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ").encode()
    return value.strftime("%Y%m%dT%H%M%S").encode()
