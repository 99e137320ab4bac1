"""The occurrence index: when each event happens, in UTC, so that window queries are range scans.

One row per occurrence (start, end) of every event, kept in the event's write transaction. A
window [from, to) is then two index range scans instead of a scan of every event and an
expansion of every series: rows no longer than SHORT_SPAN are found between from - SHORT_SPAN and
to; the few longer rows by start alone.

A series is indexed occurrence by occurrence for HORIZON from its start; what may follow (a
series without end) is one "envelope" row (exact = 0) starting at the horizon, and a series with
more than MAX_INDEXED occurrences in that time is one envelope from its start. Readers expand
envelopes on the fly, keeping the occurrences that start at or after the envelope's start.
"""

from datetime import datetime, timedelta

from ..clock import from_stored, to_stored
from ..recurrence import TooManyOccurrences
from ..stored_event import StoredEvent, UnreadableEvent
from .rows import select

SHORT_SPAN = timedelta(days=7)
MAX_INDEXED = 1000
HORIZON = timedelta(days=20 * 366)  # series are indexed this far from their start; the rest is an envelope
OPEN_END = "9999-12-31T23:59:59Z"
_SECOND = timedelta(seconds=1)
REBUILD_REQUEST = "occurrence_index"  # its name in pending_rebuilds, where migrations ask for a rebuild


def index_rows(row: dict) -> list[tuple[str, str, int, int]]:
    """(starts, ends, exact, short) of a stored event row, in UTC text."""
    if not row["rrule"]:
        return [_entry(row["range_start"], row["range_end"], 1)]
    first = from_stored(row["range_start"])
    try:
        horizon = first + HORIZON
    except OverflowError:
        return [(row["range_start"], row["range_end"] or OPEN_END, 0, 0)]
    last = from_stored(row["range_end"]) if row["range_end"] else None
    indexed_until = horizon if last is None or last > horizon else last
    event = StoredEvent.from_row(row)
    try:
        found = event.occurrences(first, indexed_until, limit=MAX_INDEXED)
    except TooManyOccurrences:
        return [(row["range_start"], row["range_end"] or OPEN_END, 0, 0)]
    # Every occurrence starting before indexed_until overlaps [first, indexed_until): all are here.
    entries = [_entry(*event.utc_span(o.start, o.end), 1) for o in found]
    if indexed_until is horizon:
        entries.append((to_stored(horizon), row["range_end"] or OPEN_END, 0, 0))
    return entries


def _entry(starts: str, ends: str, exact: int) -> tuple[str, str, int, int]:
    """An index row, marked short when a bounded range scan finds it."""
    short = int(from_stored(ends) - from_stored(starts) <= SHORT_SPAN)
    return starts, ends, exact, short


def refresh(db, event_id: int) -> None:
    """Rewrite the index rows of one event from its stored row (caller holds the transaction)."""
    db.execute("delete from event_occurrences where event_id = ?", [event_id])
    rows = select(db, "select * from events where id = ?", [event_id])
    if rows:
        _insert(db, event_id, index_rows(rows[0]))


def rebuild(db, step=None) -> int:
    """Index every event again and settle a migration's request for it; return the row count.

    Run by db.migrate when a migration asked for it, by `rebuild-occurrences` (a tzdata update),
    or after SHORT_SPAN/MAX_INDEXED change. Caller holds the transaction. `step(1)`, when given,
    is called once per event (a progress bar's update).
    """
    db.execute("delete from event_occurrences")
    count = 0
    for row in db.query("select * from events"):
        if step:
            step(1)
        try:
            entries = index_rows(row)
        except UnreadableEvent as error:  # left out of every window until it is mended or deleted
            error.warn()
            continue
        _insert(db, row["id"], entries)
        count += len(entries)
    db.execute("delete from pending_rebuilds where name = ?", [REBUILD_REQUEST])
    return count


def rebuild_requested(db) -> bool:
    """Whether a migration asked for the index to be rebuilt with live code (see migration 0003)."""
    if not db["pending_rebuilds"].exists():  # a database before migration 0003 (or the older 0003)
        return False
    return db.execute("select 1 from pending_rebuilds where name = ?", [REBUILD_REQUEST]).fetchone() is not None


def _insert(db, event_id: int, entries: list[tuple]) -> None:
    db.conn.executemany("insert into event_occurrences (event_id, starts, ends, exact, short) values (?, ?, ?, ?, ?)",
                        [(event_id, *entry) for entry in entries])


def window_bounds(window_from: datetime | None, window_to: datetime | None) -> tuple[str, str, str]:
    """(lowest short start, from, to) as stored text; to is rounded up so whole-second starts compare exactly."""
    low = to_stored(window_from - SHORT_SPAN) if window_from else ""
    start = to_stored(window_from) if window_from else ""
    if window_to is None:
        end = OPEN_END
    else:
        end = to_stored(window_to if not window_to.microsecond else window_to.replace(microsecond=0) + _SECOND)
    return low, start, end


def fingerprint(db, where: list[str], params: list, window_from: datetime, window_to: datetime) -> tuple:
    """A summary of the public events the window shows, which moves when one of them changes, joins or leaves.

    (count, sum of ids, sum of id × public version, latest public change): every write to what an event
    shows moves its public version (feed_versions), so a page of the window needs building again only
    when this moved. One aggregate over the index rows, no occurrence expanded.
    """
    low, start, end = window_bounds(window_from, window_to)
    extra = "".join(f" and {clause}" for clause in where)
    select = "select o.event_id from event_occurrences o join events on events.id = o.event_id where "
    sql = ("select count(*), total(x.event_id), total(x.event_id * coalesce(v.version, 0)), max(v.changed_at) "
           f"from (select distinct event_id from ({select}o.short = 1 and o.starts >= ? and o.starts < ? and o.ends > ?"
           f"{extra} union all {select}o.short = 0 and o.starts < ? and o.ends > ?{extra})) x "
           "left join feed_versions v on v.scope = 'public:event:' || x.event_id")
    return tuple(db.execute(sql, [low, end, start, *params, end, start, *params]).fetchone())


def overlapping(db, where: list[str], params: list, window_from: datetime | None,
                window_to: datetime | None) -> list[tuple[int, str, int, str]]:
    """(event_id, starts, exact, event range_start) of index rows overlapping the window, for events
    matching the WHERE fragments (which name the events table)."""
    low, start, end = window_bounds(window_from, window_to)
    extra = "".join(f" and {clause}" for clause in where)
    select = ("select o.event_id, o.starts, o.exact, events.range_start from event_occurrences o "
              "join events on events.id = o.event_id where ")
    sql = (f"{select}o.short = 1 and o.starts >= ? and o.starts < ? and o.ends > ?{extra} union all "
           f"{select}o.short = 0 and o.starts < ? and o.ends > ?{extra}")
    return db.execute(sql, [low, end, start, *params, end, start, *params]).fetchall()
