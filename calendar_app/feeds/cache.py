"""The feed cache: whole feeds in memory per version, one row of VEVENT templates per event in the database.

A warm request costs one version lookup and a dictionary hit. After a write, only the events
whose version changed are serialised again; the others come from event_ical_cache, which
survives restarts, so a cold 10,000-event feed is a join of stored bytes. The stored bytes depend
on the event and the build key alone (with PUBLIC_BASE_URL set, on that base too: template_build):
the base URL of a request's Host, the reminder (alarm=) and the hidden occurrences (cancelled=,
tentative=) are put in while assembling (ical_builder.fill and the row's without_* columns), so a
never-seen alarm= or Host costs an assembly, never a serialisation, and the table holds at most one
row per event.
"""

import hashlib
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import validators
from ..caches import LRU
from ..db import write_transaction
from ..repositories import feed_rows
from ..recurrence import TooManyOccurrences
from ..stored_event import UnreadableEvent
from . import flat, ical_builder

STORE_BUSY_TIMEOUT_MS = 250


@dataclass(frozen=True)
class Entry:
    """One feed as served: the versions it was built at, its validators and its bytes."""

    versions: tuple
    etag: str
    last_modified: datetime
    body: bytes


class FeedCache(LRU):
    """Whole feeds by key, bounded by count and bytes; an entry counts only at the versions it was built at."""

    def __init__(self, max_entries: int = 64, max_bytes: int = 32 * 1024 * 1024):
        super().__init__(max_entries, max_bytes, size=lambda entry: len(entry.body))

    def fresh(self, key: str, versions: tuple) -> Entry | None:
        """The entry under key when it was built at exactly these versions."""
        entry = self.get(key)
        return entry if entry is not None and entry.versions == versions else None


@contextmanager
def _snapshot(db):
    """Read several statements from one database snapshot (WAL), so parts and versions agree."""
    if db.conn.in_transaction:
        yield
        return
    db.conn.execute("BEGIN")
    try:
        yield
    finally:
        db.conn.execute("COMMIT")


class IncompleteFeed(Exception):
    """Some events of a feed cannot be serialised: the feed must not go out without them."""

    def __init__(self, problems: list[UnreadableEvent]):
        super().__init__("; ".join(map(str, problems)))


def assemble(db, meta: ical_builder.CalendarMeta | None, selection: feed_rows.Selection, base_url: str,
             alarm: timedelta | None, hidden: frozenset[str], prefix: str | None = None,
             expansion: flat.Window | None = None,
             template_base: str = ical_builder.BASE_MARK) -> tuple[bytes, int]:
    """Build a feed from stored templates, serialising only missing or outdated events.

    prefix and expansion (?prefix=1, ?expand=1) are applied to the stored bytes like alarm and hidden.
    template_base: the base the stored templates are written on: base_url itself when every request
    has it (PUBLIC_BASE_URL, routes.stored_template_base), so fill() has no line to complete and fold.
    Returns (body, number of events serialised now). Raises IncompleteFeed when an event of the
    feed cannot be serialised or expanded (the others are stored all the same, so that retrying stays
    cheap), and recurrence.TooManyOccurrences when an expansion holds more than its limit.
    """
    build = template_build(template_base)
    with _snapshot(db):
        rows = feed_rows.select_feed_events(db, selection, build, hidden)
        missing = [row[0] for row in rows if row[4] is None]
        built, problems = _templates(db, missing, template_base) if missing else ({}, [])
        parts = [] if problems else [row[4] if row[4] is not None else _pick(built[row[0]], hidden) for row in rows]
        if expansion is not None and not problems:
            try:
                parts = _expanded(db, [row[0] for row in rows], parts, expansion, problems)
            except TooManyOccurrences:
                _store_built(db, build, rows, built)
                raise
    _store_built(db, build, rows, built)
    if problems:
        raise IncompleteFeed(problems)
    zones = {(bool(row[1]), row[2]) for row in rows}
    tzids = set().union(*(ical_builder.tzids_of({"all_day": a, "timezone": tz}) for a, tz in zones))
    return (ical_builder.calendar_header(meta, tzids) + ical_builder.fill(b"".join(parts), base_url, alarm, prefix)
            + ical_builder.CALENDAR_FOOTER), len(built)


def template_build(template_base: str) -> str:
    """The build column of templates written on this base: the build key, plus the base when it is a real one.

    With BASE_MARK the base URL goes in at every assembly: a per-line pass over the whole feed, the
    biggest part of a cold variant's cost. A configured base is written in once, at serialisation,
    and templates of another base (a changed setting) never match.
    """
    build = validators.build_key()
    if template_base == ical_builder.BASE_MARK:
        return build
    return f"{build}@{hashlib.sha256(template_base.encode()).hexdigest()[:12]}"


def prepare(db, event_ids: list[int], template_base: str) -> int:
    """Serialise and store these events' templates ahead of the feeds that will want them; return how many.

    For the warm-up before a first publish (feeds/warm.py): unlike a feed request's saving, the write
    waits its turn, since it is the whole point. Events that cannot be serialised are left out; the
    feeds holding them answer 503 and log why, as without a warm-up.
    """
    build = template_build(template_base)
    with _snapshot(db):
        versions = feed_rows.event_versions(db, event_ids)
        built, _problems = _templates(db, event_ids, template_base)
    with write_transaction(db):
        # Read again inside the write: an event deleted or changed since it was serialised is left out
        # (a deleted one would break the batch's foreign key; a changed one is stale).
        current = feed_rows.event_versions(db, list(built))
        kept = [(event_id, versions[event_id], bodies) for event_id, bodies in built.items()
                if event_id in versions and current.get(event_id) == versions[event_id]]
        feed_rows.store_cached(db, build, kept)
    return len(kept)


def _store_built(db, build: str, rows: list[tuple], built: dict) -> None:
    if built:
        _store(db, build, [(row[0], row[3], built[row[0]]) for row in rows if row[0] in built])


def _expanded(db, event_ids: list[int], parts: list[bytes], expansion: flat.Window,
              problems: list[UnreadableEvent]) -> list[bytes]:
    """Each series' template written as its occurrences in the window; at most expansion.limit in the feed.

    A series that cannot be read or expanded now is added to problems (the feed must not go out without it).
    """
    series = [n for n, part in enumerate(parts) if flat.is_series(part)]
    events = feed_rows.stored_events(db, [event_ids[n] for n in series])
    left = expansion.limit
    for n in series:
        event = events.get(event_ids[n])
        try:
            if event is None:  # unreadable since its template was stored
                raise UnreadableEvent(event_ids[n], "its stored row can no longer be read")
            parts[n], count = flat.flatten(parts[n], event, expansion.start, expansion.end, left)
        except UnreadableEvent as error:  # a stored rule that no longer parses
            problems.append(error)
            continue
        left -= count
    return parts


def _templates(db, event_ids: list[int], template_base: str) -> tuple[dict[int, dict], list[UnreadableEvent]]:
    """Serialise events as templates: ({event id: {hidden statuses: template, or None when it equals
    body's}}, the events that cannot be serialised)."""
    found, problems = {}, []
    for event_id, event in feed_rows.builder_dicts(db, event_ids, template_base, problems).items():
        statuses = {ical_builder.feed_status(override["status"]) for override in event["overrides"]}
        try:
            found[event_id] = {
                hidden: ical_builder.event_template(ical_builder.without_statuses(event, hidden))
                if not hidden or hidden & statuses else None
                for hidden in feed_rows.BODY_COLUMNS}
        except ValueError as error:  # icalendar cannot read a stored RRULE that no longer parses
            problems.append(UnreadableEvent(event_id, f"its stored rule {event['rrule']!r} is invalid ({error})"))
    return found, problems


def _pick(bodies: dict, hidden: frozenset[str]) -> bytes:
    found = bodies[hidden]
    return bodies[frozenset()] if found is None else found


_pruned: set[str] = set()  # the build keys this process has pruned for


def _store(db, build: str, items: list[tuple[int, int, dict]]) -> None:
    """Keep new templates for the next cold build; a busy database only costs that saving."""
    # A feed request must not queue behind a long write for a saving: wait briefly, then give up.
    previous = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute(f"PRAGMA busy_timeout = {STORE_BUSY_TIMEOUT_MS}")
    try:
        prune = build not in _pruned  # once per build key and process: rows of another build are dead weight
        with write_transaction(db):
            if prune:
                feed_rows.prune_cached(db, build)
            feed_rows.store_cached(db, build, items)
        if prune:
            _pruned.add(build)
    except (sqlite3.OperationalError, sqlite3.IntegrityError):
        pass  # locked, or an event deleted meanwhile: the bytes are built again next time
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(previous)}")
