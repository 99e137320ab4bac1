"""Reuse each event's representation and its JSON across list requests while its row and links are unchanged.

An uncached list of 100 events spends most of its time turning rows into representations and
JSON. Each worker keeps, per event id, the representation it built and the JSON of it with its
links, under a signature: every column of the stored row, the agreement's slug and the sorted
organization slugs, as read for this very request. Any change to the event, a renamed agreement
or organization, or a changed link changes the signature, so nothing stale is ever served; the
rows and slugs are still read per request, only the work after that is saved. Visibility is
decided by the query that picks the rows, never here.
"""

from flask import current_app, jsonify

from .. import caches
from ..links import absolute, event_ics_path
from ..repositories import events

ITEMS_OPEN = '{"items":[]'


class Kept:
    """One event's representation (shared: never mutate it) and the JSON of it with links for one base URL."""

    __slots__ = ("signature", "event", "linked")

    def __init__(self, signature: tuple | None, event: dict):
        self.signature, self.event = signature, event
        self.linked: tuple[str, str] | None = None  # (base, JSON): one attribute, so threads never see a mix

    def with_links(self, base: str) -> dict:
        return {**self.event, "ics_url": base + event_ics_path(self.event["id"])}

    def json(self, base: str, dumps) -> str:
        """The event with its links as the list body holds it; one base kept (Host may vary without PUBLIC_BASE_URL)."""
        linked = self.linked
        if linked is None or linked[0] != base:
            linked = self.linked = (base, dumps(self.with_links(base)))
        return linked[1]


class RepresentationCache:
    """Kept by event id in a caches.LRU bounded by count (EVENT_CACHE_ENTRIES; 0 keeps nothing)."""

    def __init__(self, entries: int):
        self.kept = caches.LRU(entries)

    def represent(self, db, rows: list[dict]) -> list[Kept]:
        """Kept representations of the rows, in order; built with the repository's own code when missing or changed."""
        if not rows:
            return []
        agreements, organizations = events.link_slugs(db, rows)
        found = []
        for row in rows:
            agreement, slugs = agreements.get(row["agreement_id"]), organizations[row["id"]]
            signature = (tuple(row.values()), agreement, tuple(slugs))
            kept = self.kept.get(row["id"])
            if kept is None or kept.signature != signature:
                kept = Kept(signature, events.represent_row(row, agreement, slugs))
                self.kept.put(row["id"], kept)
            found.append(kept)
        return found

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


def represent_events(db, rows: list[dict]) -> list[dict]:
    """represent_rows' answer from the kept representations (shared dicts: read them, never change them)."""
    return [kept.event for kept in cache().represent(db, rows)]


def list_response(kept: list[Kept], envelope: dict):
    """The list as jsonify() would send it, with each event's JSON reused rather than encoded again."""
    base = absolute("")
    provider = current_app.json
    compact = provider.compact or (provider.compact is None and not current_app.debug)
    if compact:
        def dumps(value):
            return provider.dumps(value, separators=(",", ":"))

        head = dumps({**envelope, "items": []})
        # The envelope's keys are sorted ("items" first) when the provider sorts them; otherwise build it whole.
        if head.startswith(ITEMS_OPEN):
            body = "".join(('{"items":[', ",".join(k.json(base, dumps) for k in kept), "]",
                            head[len(ITEMS_OPEN):], "\n"))
            return current_app.response_class(body, mimetype=provider.mimetype)
    return jsonify({**envelope, "items": [k.with_links(base) for k in kept]})
