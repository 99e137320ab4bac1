"""Answer repeated event and occurrence list requests from memory until the data changes.

Portals poll the same list URLs over and over. Each worker keeps the last bodies it served, keyed
by the whole URL (host included: "next" links are absolute) and by whether the caller may see
internal events, and tagged with the version of the "all" feed scope, which every write to
events, agreements, organizations and overrides bumps in its own transaction. A body is only
served while that version is unchanged; the version is read before the body is computed, so a
body never carries older data than its tag.
"""

import sqlite3
import threading
from collections import OrderedDict

from flask import Response, current_app, g, request

from ..auth import is_authenticated
from ..repositories import feed_versions

CACHED_ENDPOINTS = frozenset({"events.Events", "events.Occurrences", "events.OrganizationEvents",
                              "events.AgreementEvents"})
DEFAULT_ENTRIES = 256
MAX_BODY_BYTES = 1024 * 1024


class BodyCache:
    """A small LRU of (version, body) by key, safe across a worker's threads."""

    def __init__(self, entries: int, database: str):
        self.entries = entries
        self.database = database
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._local = threading.local()

    def version(self) -> int:
        """The "all" scope's version, read on a connection kept open per thread (opening one costs more)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = sqlite3.connect(self.database, timeout=10, check_same_thread=False)
        # fetchall() runs the statement to its end: a statement left open would pin an old snapshot.
        rows = conn.execute("select version from feed_versions where scope = ?", [feed_versions.ALL]).fetchall()
        return rows[0][0] if rows else 0

    def get(self, key, version: int) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] != version:
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key, version: int, body: bytes) -> None:
        with self._lock:
            self._items[key] = (version, body)
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)


def _answer_from_cache():
    """Serve a cached body when the data has not changed since it was computed."""
    if request.method != "GET" or request.endpoint not in CACHED_ENDPOINTS:
        return None
    cache = current_app.extensions["calendar_list_cache"]
    environ = request.environ
    key = (environ["wsgi.url_scheme"], request.host, environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
           environ.get("QUERY_STRING", ""), is_authenticated())
    version = cache.version()
    body = cache.get(key, version)
    if body is not None:
        return Response(body, status=200, mimetype="application/json")
    g.list_cache_slot = (key, version)
    return None


def _remember(response: Response) -> Response:
    slot = g.pop("list_cache_slot", None)
    if slot is not None and response.status_code == 200 and not response.direct_passthrough:
        body = response.get_data()
        if len(body) <= MAX_BODY_BYTES:
            current_app.extensions["calendar_list_cache"].put(*slot, body)
    return response


def init_app(app) -> None:
    """Register the cache; LIST_CACHE_ENTRIES = 0 turns it off."""
    entries = app.config.get("LIST_CACHE_ENTRIES", DEFAULT_ENTRIES)
    if not entries:
        return
    app.extensions["calendar_list_cache"] = BodyCache(entries, app.config["DATABASE"])
    app.before_request(_answer_from_cache)
    app.after_request(_remember)
