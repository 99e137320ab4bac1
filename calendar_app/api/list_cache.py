"""Answer repeated event and occurrence list requests from memory until the data changes.

Portals poll the same list URLs over and over. Each worker keeps the last bodies it served, keyed
by the whole URL (host included: "next" links are absolute) and by which internal events the
caller may see (none, all, or those of a token's organizations), and tagged with the version of
the "all" scope (for anonymous callers its public twin), which every write to events,
agreements, organizations and overrides bumps in its own transaction (the twin only when public
content moved). A body is only
served while that version is unchanged; the version is read before the body is computed, so a
body never carries older data than its tag.
"""

import sqlite3
import threading
from collections import OrderedDict

from flask import Response, current_app, g, request

from ..auth import readable_internal
from ..db import file_identity
from ..errors import ApiError
from ..repositories import feed_versions

CACHED_ENDPOINTS = frozenset({"events.Events", "events.Occurrences", "events.OrganizationEvents",
                              "events.AgreementEvents"})
DEFAULT_ENTRIES = 256
DEFAULT_BYTES = 16 * 1024 * 1024


class BodyCache:
    """A small LRU of (version, body) by key, bounded by count and bytes, safe across a worker's threads."""

    def __init__(self, entries: int, max_bytes: int, database: str):
        self.entries, self.max_bytes = entries, max_bytes
        self.database = database
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._local = threading.local()
        self._file = None

    def version(self, scope: str = feed_versions.ALL) -> int:
        """A scope's version ("all", or its public twin), read on a connection kept open per thread (opening one costs more)."""
        file = file_identity(self.database)
        if file != self._file:  # a restored or replaced database: versions may repeat with other data
            with self._lock:
                self._items.clear()
                self._bytes = 0
                self._file = file
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "file", None) != file:
            conn = self._local.conn = sqlite3.connect(self.database, timeout=10, check_same_thread=False)
            self._local.file = file
        # fetchall() runs the statement to its end: a statement left open would pin an old snapshot.
        rows = conn.execute("select version from feed_versions where scope = ?", [scope]).fetchall()
        return rows[0][0] if rows else 0

    def get(self, key, version: int) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] != version:
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key, version: int, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._items[key] = (version, body)
            self._bytes += len(body)
            while len(self._items) > self.entries or self._bytes > self.max_bytes:
                _key, (_version, evicted) = self._items.popitem(last=False)
                self._bytes -= len(evicted)


def _answer_from_cache():
    """Serve a cached body when the data has not changed since it was computed."""
    if request.method != "GET" or request.endpoint not in CACHED_ENDPOINTS:
        return None
    cache = current_app.extensions["calendar_list_cache"]
    try:
        readable = readable_internal()  # a limited token's answer differs from an unrestricted one's
    except ApiError:
        return None  # a bad token: the view answers it, in the order it checks things
    environ = request.environ
    key = (environ["wsgi.url_scheme"], request.host, environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
           environ.get("QUERY_STRING", ""), readable)
    # Anonymous callers see public events only: internal edits must not empty their cache.
    version = cache.version(feed_versions.public(feed_versions.ALL) if readable is False else feed_versions.ALL)
    body = cache.get(key, version)
    if body is not None:
        return Response(body, status=200, mimetype="application/json")
    g.list_cache_slot = (key, version)
    return None


def _remember(response: Response) -> Response:
    """Keep a freshly computed 200 under the version read before computing it."""
    slot = g.pop("list_cache_slot", None)
    if slot is not None and response.status_code == 200 and not response.direct_passthrough:
        current_app.extensions["calendar_list_cache"].put(*slot, response.get_data())
    return response


def init_app(app) -> None:
    """Register the cache; LIST_CACHE_ENTRIES = 0 turns it off, LIST_CACHE_MAX_BYTES bounds its memory."""
    entries = app.config["LIST_CACHE_ENTRIES"]
    if not entries:
        return
    app.extensions["calendar_list_cache"] = BodyCache(entries, app.config["LIST_CACHE_MAX_BYTES"],
                                                      app.config["DATABASE"])
    app.before_request(_answer_from_cache)
    app.after_request(_remember)
