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

from flask import Response, current_app, g, request

from .. import caches
from ..auth import readable_internal
from ..db import thread_db
from ..errors import ApiError
from ..repositories import feed_versions

CACHED_ENDPOINTS = frozenset({"events.Events", "events.Occurrences", "events.OrganizationEvents",
                              "events.AgreementEvents"})


class BodyCache:
    """(version, body) by key in a caches.LRU bounded by count and bytes; a body counts only at its version."""

    def __init__(self, app, entries: int, max_bytes: int):
        self.app = app
        self.bodies = caches.LRU(entries, max_bytes, size=lambda item: len(item[1]))

    def version(self, scope: str = feed_versions.ALL) -> int:
        """A scope's version ("all", or its public twin), read on the thread's one connection (the one its requests use).

        thread_db notices a replaced database file and empties this cache (with all others) first.
        """
        # fetchall() runs the statement to its end: a statement left open would pin an old snapshot.
        rows = thread_db(self.app).execute("select version from feed_versions where scope = ?", [scope]).fetchall()
        return rows[0][0] if rows else 0

    def get(self, key, version: int) -> bytes | None:
        found = self.bodies.get(key)
        return found[1] if found is not None and found[0] == version else None

    def put(self, key, version: int, body: bytes) -> None:
        self.bodies.put(key, (version, body))

    def clear(self) -> None:
        self.bodies.clear()


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
    app.extensions["calendar_list_cache"] = caches.register(
        app, "list_bodies", BodyCache(app, entries, app.config["LIST_CACHE_MAX_BYTES"]))
    app.before_request(_answer_from_cache)
    app.after_request(_remember)
