"""Reuse each event's representation and its JSON across list requests while the event's version is unchanged.

An uncached list of 100 events (the first request after a write) spent most of its time reading
rows, turning them into representations and encoding JSON, for events that had not changed. Each
worker keeps, per event id, the typed event, its representation, the JSON of it with its links and
the JSON of its indexed occurrences, under the stamp (version, change time) of the event's scope
in feed_versions. Every write that changes what a representation shows moves that stamp in its
own transaction: the event's row, links and overrides, a renamed agreement or organization (the
rule the feeds' stored templates follow, repositories/feed_versions.py). So a list reads one stamp
per event, and the rows of only the events whose stamp moved, in one query. The stamps are read
before those rows: a representation is never older than the stamp it is kept under. Visibility
is decided by the queries that pick the events, never here. A change made to the database behind
the app's back (a hand edit) moves no stamp: it shows once the caches are emptied (a restart).
"""

from flask import current_app, jsonify

from .. import caches
from ..links import absolute, event_ics_path
from ..repositories import feed_versions, occurrences
from ..stored_event import StoredEvent

ITEMS_OPEN = b'{"items":[]'
OCCURRENCES_KEPT = 8  # indexed occurrences whose JSON one event keeps: bounds a worker at EVENT_CACHE_ENTRIES × 8 items


class Kept:
    """One event as lists show it, at one stamp: typed, represented (shared: never mutate it) and as JSON."""

    __slots__ = ("signature", "typed", "event", "linked", "occurrences")

    def __init__(self, signature, typed: StoredEvent, event: dict):
        self.signature, self.typed, self.event = signature, typed, event
        self.linked: tuple[str, bytes] | None = None  # (base, JSON): one attribute, so threads never see a mix
        self.occurrences: dict[str, bytes] = {}  # UTC start text -> JSON of the indexed occurrence starting then

    def with_links(self, base: str) -> dict:
        return {**self.event, "ics_url": base + event_ics_path(self.event["id"])}

    def json(self, base: str, dumps) -> bytes:
        """The event with its links as the list body holds it; one base kept (Host may vary without PUBLIC_BASE_URL)."""
        linked = self.linked
        if linked is None or linked[0] != base:
            linked = self.linked = (base, dumps(self.with_links(base)))
        return linked[1]

    def item(self, starts: str, occurrence) -> dict | None:
        """The occurrences API's item at one page entry (None: left out, logged)."""
        return occurrences.occurrence_item(self.typed, self.event, starts, occurrence)

    def occurrence_json(self, starts: str, occurrence, dumps) -> bytes | None:
        """The item's JSON; an indexed occurrence's (None: found from its start alone) is kept by its start."""
        if occurrence is not None:  # moved by an override or expanded from an envelope: built each time
            item = self.item(starts, occurrence)
            return None if item is None else dumps(item)
        found = self.occurrences.get(starts)
        if found is None:
            item = self.item(starts, None)
            if item is None:
                return None
            found = dumps(item)
            if len(self.occurrences) >= OCCURRENCES_KEPT:
                self.occurrences = {}  # a new dict, not clear(): another thread may be reading the old one
            self.occurrences[starts] = found
        return found


class RepresentationCache:
    """Kept by event id in a caches.LRU bounded by count (EVENT_CACHE_ENTRIES; 0 keeps nothing)."""

    def __init__(self, entries: int):
        self.kept = caches.LRU(entries)

    def represent(self, db, ids: list[int]) -> list[Kept]:
        """The kept events of these ids, in order; unreadable and vanished ones left out (logged)."""
        found = self.by_id(db, ids)
        return [found[i] for i in ids if i in found]

    def by_id(self, db, ids) -> dict[int, Kept]:
        """Kept events by id: one stamp read per event, and the rows of those whose stamp moved, in one query."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        stamps = feed_versions.event_stamps(db, ids)  # before the rows: see the module's docstring
        found, missing = {}, {}
        for event_id, stamp in zip(ids, stamps):
            kept = self.kept.get(event_id)
            if kept is not None and kept.signature == stamp:
                found[event_id] = kept
            else:
                missing[event_id] = stamp
        if missing:
            for kept in self._build(db, missing):
                self.kept.put(kept.event["id"], kept)
                found[kept.event["id"]] = kept
        return found

    @staticmethod
    def _build(db, stamps: dict[int, object]) -> list[Kept]:
        """Read and represent these events with the repository's own code, each under the stamp read before."""
        return [Kept(stamps[event_id], typed, event)
                for event_id, (typed, event) in occurrences.typed_representations(db, list(stamps)).items()]

    def clear(self) -> None:
        self.kept.clear()


def cache() -> RepresentationCache:
    """This worker's cache, made on first use and registered with the app's others."""
    extensions = current_app.extensions
    found = extensions.get("calendar_event_representations")
    if found is None:
        found = extensions.setdefault("calendar_event_representations",
                                      RepresentationCache(current_app.config["EVENT_CACHE_ENTRIES"]))
        caches.register(current_app, "event_representations", found)
    return found


def _compact_dumps():
    """dumps() giving the UTF-8 bytes jsonify() writes for a value, or None when jsonify indents (debug, or configured)."""
    provider = current_app.json
    if not (provider.compact or (provider.compact is None and not current_app.debug)):
        return None

    def dumps(value) -> bytes:
        return provider.dumps(value, separators=(",", ":")).encode()

    return dumps


def _spliced(items_json: list[bytes], envelope: dict, dumps):
    """The envelope with the items' JSON spliced in, byte for byte what jsonify() writes; None if keys come unsorted."""
    head = dumps({**envelope, "items": []})
    # The envelope's keys are sorted ("items" first) when the provider sorts them; otherwise build it whole.
    if not head.startswith(ITEMS_OPEN):
        return None
    body = b"".join((b'{"items":[', b",".join(items_json), b"]", head[len(ITEMS_OPEN):], b"\n"))
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def list_response(kept: list[Kept], envelope: dict):
    """The event list as jsonify() would send it, with each event's JSON reused rather than encoded again."""
    base = absolute("")
    dumps = _compact_dumps()
    if dumps is not None:
        response = _spliced([k.json(base, dumps) for k in kept], envelope, dumps)
        if response is not None:
            return response
    return jsonify({**envelope, "items": [k.with_links(base) for k in kept]})


def occurrences_response(db, page: list[tuple], envelope_of):
    """The occurrences page as jsonify() would send it; `envelope_of(items)` wraps the items shown.

    `page` is occurrences.occurrence_page's; entries whose event cannot be read are left out.
    """
    kept = cache().by_id(db, [event_id for _, event_id, _ in page])
    dumps = _compact_dumps()
    if dumps is not None:
        shown = [k.occurrence_json(starts, occurrence, dumps) for starts, event_id, occurrence in page
                 if (k := kept.get(event_id)) is not None]
        shown = [item for item in shown if item is not None]
        response = _spliced(shown, envelope_of(shown), dumps)
        if response is not None:
            return response
    items = [k.item(starts, occurrence) for starts, event_id, occurrence in page
             if (k := kept.get(event_id)) is not None]
    items = [item for item in items if item is not None]
    return jsonify(envelope_of(items))
