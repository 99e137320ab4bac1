"""When events happen: events listed by a window, occurrences listed by start, and overrides laid over them.

Both listings read the occurrence index (repositories/occurrence_index.py) for (start, event)
pairs in SQL and expand only the few series it holds as envelopes; single occurrences moved,
changed or cancelled through the overrides API (repositories/overrides.py) are laid over the
occurrences here. The filters are the event list's own (events.filter_clauses).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter

from ..clock import from_stored, to_stored
from ..errors import BadRequest
from ..eventtime import day_start, zone
from ..recurrence import Occurrence, TooManyOccurrences
from ..stored_event import StoredEvent, UnreadableEvent, readable
from . import occurrence_index, search
from . import overrides as occurrence_overrides
from .events import filter_clauses, link_slugs, represent_event
from .rows import select

_UTC = zone("UTC")
_EARLIEST = datetime(1, 1, 2, tzinfo=_UTC)
_LATEST = datetime(9999, 12, 30, tzinfo=_UTC)
_BY_START = itemgetter(0, 1)  # (UTC start text, event id) of a found occurrence


# --- events by window ---------------------------------------------------------------------------


def list_events(db, filters: dict, limit: int, offset: int, represent=None,
                total_limit: int | None = None) -> tuple[list, int]:
    """Return a page of events overlapping the window (recurrences included) and the total.

    `represent(db, ids)` turns the page's event ids into its items (represent_ids unless given),
    e.g. to reuse representations kept per worker.
    A search (q) without a window with a `total_limit` counts its matches only up to
    max(offset + limit, total_limit) + 1: enough for the page, its next link and search.capped_total.
    """
    represent = represent or represent_ids
    if filters.get("q") and not (filters.get("from") or filters.get("to")):
        return _search_events(db, filters, limit, offset, represent, total_limit)
    where, params = filter_clauses(db, filters)
    clause = (" where " + " and ".join(where)) if where else ""
    # newest_first: a search lists the latest events first (past and future alike).
    order = (" order by events.range_start desc, events.id desc" if filters.get("newest_first")
             else " order by events.range_start, events.id")
    if not (filters.get("from") or filters.get("to")):
        total = db.execute(f"select count(*) from events{clause}", params).fetchone()[0]
        ids = [row[0] for row in db.execute(f"select events.id from events{clause}{order} limit ? offset ?",
                                            [*params, limit, offset]).fetchall()]
        return represent(db, ids), total
    # The occurrence index names the events with an occurrence in the window; the few series it
    # only spans as a whole (open-ended or very long) are expanded to check.
    where, params = filter_clauses(db, {**filters, "from": None, "to": None})
    starts_of, unsure = {}, {}
    for event_id, _starts, exact, range_start in occurrence_index.overlapping(
            db, where, params, filters.get("from"), filters.get("to")):
        (starts_of if exact else unsure)[event_id] = range_start
    window = (filters.get("from") or _EARLIEST, filters.get("to") or _LATEST)
    for event_id, event in readable(_rows_by_id(db, set(unsure) - set(starts_of)).values()).items():
        try:
            if event.first_occurrence_between(*window) is not None:
                starts_of[event_id] = unsure[event_id]
        except UnreadableEvent as error:
            error.warn()
    for row in _moved_into(db, where, params, *window):
        starts_of.setdefault(row["id"], row["range_start"])
    matching = sorted(starts_of, key=lambda i: (starts_of[i], i), reverse=bool(filters.get("newest_first")))
    return represent(db, matching[offset:offset + limit]), len(matching)


def _search_events(db, filters: dict, limit: int, offset: int, represent, total_limit: int | None) -> tuple[list, int]:
    """A search page in list order, streamed out of the search index (repositories/search.py)."""
    where, params = filter_clauses(db, {**filters, "q": None}, event_id=search.STREAMED_EVENT_ID)
    count = None if total_limit is None else max(offset + limit, total_limit) + 1
    ids = search.events_in_order(db, filters["q"], where, params, bool(filters.get("newest_first")), count)
    # represent leaves out a row deleted since the ids were read, as it would be a moment later.
    return represent(db, ids[offset:offset + limit]), len(ids)


def represent_ids(db, ids: list[int]) -> list[dict]:
    """The representations of these events in order; each unreadable one logged and left out (a page never fails for one).

    An event deleted since its id was read is left out too.
    """
    found = typed_representations(db, ids)
    return [found[i][1] for i in ids if i in found]


def _moved_into(db, where: list[str], params: list, window_start: datetime, window_end: datetime) -> list[dict]:
    """Rows of the matching series with an occurrence an override moved into the window.

    The occurrence index holds the series' own times only: a meeting moved past the series' last
    occurrence (or before its first) was missed by every window that holds only the new time.
    """
    extra = "".join(f" and {clause}" for clause in where)
    moved, moved_params = _moved_in(window_start, window_end)
    rows = select(db, "select * from events where events.rrule is not null and events.id in "
                      f"(select event_id from occurrence_overrides where {moved}){extra}", [*moved_params, *params])
    lo, hi = window_start.astimezone(_UTC), window_end.astimezone(_UTC)
    hits = {event_id for (event_id, value), (event, override)
            in _readable_overrides(db, readable(rows)).items()
            if _overlaps(_moved(event, override, event.occurrence_from(value)), event, lo, hi)}
    return [row for row in rows if row["id"] in hits]


def _rows_by_id(db, ids) -> dict[int, dict]:
    ids = list(ids)
    if not ids:
        return {}
    return {r["id"]: r for r in select(db, f"select * from events where id in ({','.join('?' * len(ids))})", ids)}


# --- occurrences by start -----------------------------------------------------------------------


def list_occurrences(db, filters: dict, limit: int, offset: int, max_occurrences: int) -> tuple[list[dict], int]:
    """Return a page of the occurrences inside [from, to) of the matching events, by start, and the total."""
    page, total = occurrence_page(db, filters, limit, offset, max_occurrences)
    kept = typed_representations(db, {event_id for _, event_id, _ in page})
    items = []
    for starts, event_id, occurrence in page:
        if event_id in kept:
            item = occurrence_item(*kept[event_id], starts, occurrence)
            if item is not None:
                items.append(item)
    return items, total


def occurrence_page(db, filters: dict, limit: int, offset: int, max_occurrences: int) -> tuple[list[tuple], int]:
    """A page of (UTC start text, event id, occurrence or None) inside [from, to), by start, and the total.

    The occurrence index gives (start, event) pairs in SQL; only open-ended or very long series are
    expanded over the whole window. None: an indexed occurrence, which occurrence_item finds from its start.
    """
    where, params = filter_clauses(db, {**filters, "from": None, "to": None})
    found, envelopes = [], {}  # found: (UTC start text, event id, occurrence or None)
    for event_id, starts, exact, _range_start in occurrence_index.overlapping(
            db, where, params, filters["from"], filters["to"]):
        if exact:
            found.append((starts, event_id, None))
        else:
            envelopes[event_id] = starts
    for event in readable(_rows_by_id(db, envelopes).values()).values():
        try:
            expanded = _expand(event, filters["from"], filters["to"], max_occurrences)
        except UnreadableEvent as error:
            error.warn()
            continue
        for occurrence in expanded:
            starts = event.utc_span(occurrence.start, occurrence.end)[0]
            if starts >= envelopes[event.id]:  # earlier ones are indexed one by one
                found.append((starts, event.id, occurrence))
        _check_count(found, max_occurrences)
    _check_count(found, max_occurrences)
    found = apply_overrides(db, found, where, params, filters["from"], filters["to"])
    found.sort(key=_BY_START)
    return found[offset:offset + limit], len(found)


def typed_representations(db, ids) -> dict[int, tuple[StoredEvent, dict]]:
    """(typed event, representation) of each readable event by id; each unreadable one logged and left out."""
    rows = list(_rows_by_id(db, ids).values())
    typed = readable(rows)
    rows = [row for row in rows if row["id"] in typed]
    if not rows:
        return {}
    agreements, organizations = link_slugs(db, rows)
    return {row["id"]: (typed[row["id"]], represent_event(typed[row["id"]], agreements.get(row["agreement_id"]),
                                                         organizations[row["id"]])) for row in rows}


def occurrence_item(event: StoredEvent, representation: dict, starts: str, occurrence) -> dict | None:
    """The occurrences API's item for a page entry (None, logged: the event's rule cannot be read)."""
    try:
        occurrence = occurrence or event.occurrence_starting(starts)
    except UnreadableEvent as error:
        error.warn()
        return None
    return overlay(represent_occurrence(representation, occurrence), occurrence)


def _expand(event: StoredEvent, window_start: datetime, window_end: datetime, limit: int) -> list[Occurrence]:
    """The occurrences of one event overlapping the window; too many is the client's 400."""
    try:
        return event.occurrences(window_start, window_end, limit)
    except TooManyOccurrences as error:
        raise BadRequest(f"{error} Ask for a shorter window or narrower filters.") from error


def _check_count(found: list, max_occurrences: int) -> None:
    if len(found) > max_occurrences:
        raise BadRequest(f"The window holds more than {max_occurrences} occurrences; "
                         "ask for a shorter window or narrower filters.")


def represent_occurrence(event: dict, occurrence: Occurrence) -> dict:
    """The occurrences API's item: the event's representation at one occurrence."""
    all_day = event["all_day"]
    start = occurrence.start.isoformat()
    # The events' own vocabulary: timed occurrences give starts_at/ends_at (ends_at exclusive), all-day
    # ones start_date/end_date with the inclusive last day; the other pair is null.
    end = (occurrence.end - timedelta(days=1) if all_day else occurrence.end).isoformat()
    return {
        "event_id": event["id"], "uid": event["uid"], "title": event["title"], "kind": event["kind"],
        "status": event["status"], "status_reason": event["status_reason"], "agreement": event["agreement"],
        "organizations": event["organizations"],
        "location": event["location"], "all_day": all_day, "timezone": event["timezone"],
        "starts_at": None if all_day else start, "ends_at": None if all_day else end,
        "start_date": start if all_day else None, "end_date": end if all_day else None,
        # An occurrence the series gives (not moved) starts at its recurrence id: the same value.
        "recurrence_id": start if occurrence.recurrence_id is occurrence.start else occurrence.recurrence_id.isoformat(),
    }


# --- the override overlay -----------------------------------------------------------------------


@dataclass(frozen=True)
class OverriddenOccurrence(Occurrence):
    """An occurrence as one override changed it."""

    status: str = "confirmed"
    status_reason: str | None = None
    title: str | None = None
    location: str | None = None


def apply_overrides(db, found: list[tuple], where: list[str], params: list, window_start: datetime,
                    window_end: datetime) -> list[tuple]:
    """Move, change or drop each (UTC start text, event_id, occurrence or None) as the overrides say.

    `where`/`params` are the list filters over `events`: occurrences moved into the window
    from outside it are added for the events they select.
    """
    ids = _candidate_events(db, found, window_start, window_end)
    if not ids:
        return found
    clause = " and ".join([*where, f"events.id in ({','.join('?' * len(ids))})", "events.rrule is not null"])
    series = readable(select(db, f"select * from events where {clause}", [*params, *ids]))
    by_key = _readable_overrides(db, series)
    if not by_key:
        return found
    lo, hi = window_start.astimezone(_UTC), window_end.astimezone(_UTC)
    result = []
    for starts, event_id, occurrence in found:
        event = series.get(event_id)
        value = None
        if event is not None:
            value = occurrence.recurrence_id if occurrence is not None else _value_at(event, starts)
        hit = by_key.pop((event_id, value), None)
        if hit is None:
            result.append((starts, event_id, occurrence))
            continue
        moved = _moved(*hit, occurrence or event.occurrence_from(value))
        if _overlaps(moved, event, lo, hi):
            result.append((event.utc_span(moved.start, moved.end)[0], event_id, moved))
    for (event_id, value), (event, override) in by_key.items():  # outside the window before the move
        moved = _moved(event, override, event.occurrence_from(value))
        if _overlaps(moved, event, lo, hi):
            result.append((event.utc_span(moved.start, moved.end)[0], event_id, moved))
    return result


def _candidate_events(db, found: list[tuple], window_start: datetime, window_end: datetime) -> list[int]:
    """Events whose overrides can matter: one of their found occurrences, or a new time in the window."""
    overridden = {r[0] for r in db.execute("select distinct event_id from occurrence_overrides").fetchall()}
    if not overridden:
        return []
    in_window = {event_id for _, event_id, _ in found} & overridden
    moved, moved_params = _moved_in(window_start, window_end)
    moved_in = {r[0] for r in db.execute(f"select distinct event_id from occurrence_overrides where {moved}",
                                         moved_params).fetchall()}
    return sorted(in_window | moved_in)


def _moved_in(window_start: datetime, window_end: datetime) -> tuple[str, list]:
    """A WHERE clause over `occurrence_overrides`: a new time that may overlap the window.

    All-day dates are local: a day of slack on each side covers every zone (callers check exactly).
    """
    return ("((starts_at < ? and ends_at > ?) or (start_date <= ? and end_date >= ?))",
            [to_stored(window_end), to_stored(window_start), (window_end + timedelta(days=1)).date().isoformat(),
             (window_start - timedelta(days=1)).date().isoformat()])


def _readable_overrides(db, series: dict[int, StoredEvent]) -> dict[tuple, tuple[StoredEvent, dict]]:
    """(event id, recurrence id) -> (event, override) for the overrides of these series that apply.

    An override applies when it names an occurrence the series still has and can be read (an
    unreadable one leaves the series' own occurrence in place).
    """
    by_key = {}
    for event_id, stored in occurrence_overrides.for_events(db, list(series)).items():
        event = series[event_id]
        try:
            real = occurrence_overrides.real(event, stored)
        except UnreadableEvent as error:
            error.warn()
            continue
        for override, value in real:
            if occurrence_overrides.readable(event, override) is not None:
                by_key[(event_id, value)] = (event, override)
    return by_key


def _value_at(event: StoredEvent, starts: str):
    """The original start (recurrence id) of the occurrence indexed at a UTC instant."""
    moment = from_stored(starts).astimezone(event.zone)
    return moment.date() if event.all_day else moment


def _moved(event: StoredEvent, override: dict, occurrence: Occurrence) -> OverriddenOccurrence:
    values = occurrence_overrides.typed(event, override)
    if event.all_day:
        start = values["start_date"] or occurrence.start
        length = occurrence.end - occurrence.start
        end = values["end_date"] + timedelta(days=1) if values["end_date"] else start + length
    else:
        start = values["starts_at"] or occurrence.start
        end = values["ends_at"] or start + (occurrence.end - occurrence.start)
    return OverriddenOccurrence(start, end, occurrence.recurrence_id, status=values["status"],
                                status_reason=values["status_reason"], title=values["title"],
                                location=values["location"])


def _overlaps(occurrence: Occurrence, event: StoredEvent, lo: datetime, hi: datetime) -> bool:
    start, end = occurrence.start, occurrence.end
    if not isinstance(start, datetime):
        start, end = day_start(start, event.timezone), day_start(end, event.timezone)
    return start.astimezone(_UTC) < hi and end.astimezone(_UTC) > lo


def overlay(representation: dict, occurrence) -> dict:
    """Show an overridden occurrence's own status, title and place in the occurrences API."""
    if not isinstance(occurrence, OverriddenOccurrence):
        return representation
    return {**representation, "status": occurrence.status, "status_reason": occurrence.status_reason,
            "title": occurrence.title if occurrence.title is not None else representation["title"],
            "location": occurrence.location if occurrence.location is not None else representation["location"]}
