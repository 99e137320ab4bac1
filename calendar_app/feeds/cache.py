"""The feed cache: whole feeds in memory per version, VEVENT bytes per event in the database.

A warm request costs one version lookup and a dictionary hit. After a write, only the
events whose version changed are serialised again; the others come from event_ical_cache,
which survives restarts, so a cold 10,000-event feed is a join of stored bytes.
"""

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.metadata import version
from pathlib import Path

from ..db import write_transaction
from ..repositories import feed_rows
from . import ical_builder

_HERE = Path(__file__).resolve().parent
STORE_BUSY_TIMEOUT_MS = 250


def _build_id() -> str:
    """Identify the code that shapes feed bytes, so a deploy never serves bytes of an older build."""
    digest = hashlib.sha256(version("icalendar").encode())
    for path in (_HERE / "ical_builder.py", _HERE / "cache.py", _HERE.parent / "repositories" / "feed_rows.py",
                 _HERE.parent / "repositories" / "overrides.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


BUILD_ID = _build_id()


@dataclass(frozen=True)
class Entry:
    """One feed as served: the versions it was built at, its validators and its bytes."""

    versions: tuple
    etag: str
    last_modified: datetime
    body: bytes


class FeedCache:
    """A small LRU of whole feeds, bounded by count and bytes, safe across threads."""

    def __init__(self, max_entries: int = 64, max_bytes: int = 32 * 1024 * 1024):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str, versions: tuple) -> Entry | None:
        """Return the entry when it was built at exactly these versions."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.versions != versions:
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        """Keep an entry, evicting the least recently used ones beyond the bounds."""
        if len(entry.body) > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += len(entry.body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _key, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def etag_for(*parts) -> str:
    """A strong ETag from what the feed depends on (never from its body)."""
    text = "|".join(str(p) for p in (BUILD_ID, *parts))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def variant_for(base_url: str, alarm: timedelta | None, hidden: frozenset[str]) -> str:
    """Name what shapes an event's bytes besides the event itself (hidden: occurrence statuses left out)."""
    text = (f"{BUILD_ID}|{base_url}|{'' if alarm is None else int(alarm.total_seconds())}|"
            f"{int('cancelled' in hidden)}" + ("|tentative" if "tentative" in hidden else ""))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


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


def assemble(db, meta: ical_builder.CalendarMeta, selection: feed_rows.Selection, base_url: str,
             alarm: timedelta | None, hidden: frozenset[str]) -> tuple[bytes, int]:
    """Build a feed from cached VEVENT bytes, serialising only missing or outdated events.

    Returns (body, number of events serialised now).
    """
    variant = variant_for(base_url, alarm, hidden)
    with _snapshot(db):
        rows = feed_rows.select_feed_events(db, selection, variant)
        missing = [row[0] for row in rows if row[4] is None]
        built = {}
        if missing:
            events = feed_rows.builder_dicts(db, missing, base_url, hidden)
            built = {event_id: ical_builder.event_to_ical(events[event_id], alarm) for event_id in missing}
    if built:
        _store(db, variant, [(row[0], row[3], built[row[0]]) for row in rows if row[0] in built])
    zones = {(bool(row[1]), row[2]) for row in rows}
    tzids = set().union(*(ical_builder.tzids_of({"all_day": a, "timezone": tz}) for a, tz in zones))
    parts = [ical_builder.calendar_header(meta, tzids)]
    parts += [row[4] if row[4] is not None else built[row[0]] for row in rows]
    parts.append(ical_builder.CALENDAR_FOOTER)
    return b"".join(parts), len(built)


_pruned = threading.Event()


def _store(db, variant: str, items: list[tuple[int, int, bytes]]) -> None:
    """Keep new VEVENT bytes for the next cold build; a busy database only costs that saving."""
    # A feed request must not queue behind a long write for a saving: wait briefly, then give up.
    previous = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute(f"PRAGMA busy_timeout = {STORE_BUSY_TIMEOUT_MS}")
    try:
        prune = not _pruned.is_set()  # once per process: rows of an older deployment are dead weight
        with write_transaction(db):
            if prune:
                feed_rows.prune_cached(db, BUILD_ID)
            feed_rows.store_cached(db, BUILD_ID, variant, items)
        if prune:
            _pruned.set()
    except (sqlite3.OperationalError, sqlite3.IntegrityError):
        pass  # locked, or an event deleted meanwhile: the bytes are built again next time
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(previous)}")
