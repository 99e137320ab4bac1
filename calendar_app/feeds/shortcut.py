"""Answer repeated feed requests before Flask: one version read, then a stored 304 or the stored bytes.

Calendar clients poll the same feed URLs all day, mostly to hear "not modified". Behind Flask a
304 costs more than the feed's own work (the request context opens the session, every hook
runs); here a request the routes have already answered at the same versions costs a dictionary
hit and one `feed_versions` read on a connection kept per thread.

The routes decide everything: a slot is written only after a route answered 200 or 304, under
the exact URL (path, query string and host), and records the scopes whose versions that answer
depended on. A slot is used only while those versions, the UTC day of a windowed feed, the
build key and settings that shape feeds are unchanged (a replaced database file empties every
slot: db.thread_db clears all caches when it notices one); anything else (a miss, another
method, an If-None-Match naming an older version with no stored body, a database error) goes
through Flask as before. Every write that could change a feed's bytes, slug, name or token
bumps its scope's version, which is what the routes' own cache already relies on.

Hazard: these requests skip the app's before/after-request hooks. None of them applies to a
feed GET or HEAD today (CSRF and the write guard check writes, the list cache API lists, the page
headers HTML); a hook that must see feed requests has to be added here too. Flask's TRUSTED_HOSTS
check is skipped too, which is safe only because a slot is keyed by the Host a route accepted.
"""

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from .. import caches, validators
from ..caches import LRU
from ..db import thread_db
from ..errors import DatabaseUnavailable
from ..repositories import feed_versions
from . import window

PREFIXES = ("/feeds/", "/events/")
VARY = ("Vary", "Origin")  # as Flask's answers say (cors.py): the CORS headers depend on Origin


@dataclass(frozen=True)
class Slot:
    """One URL as a route answered it: what it depended on and the headers it sent."""

    feed_key: str  # the feed cache's key, where the body is (or is not) kept
    scopes: tuple[str, ...]
    versions: tuple[int, ...]
    day: date | None  # the UTC day a windowed feed was cut at; None for a feed without a window
    shape: tuple  # validators.feed_shape when answered
    private: bool
    cache_control: str  # as sent; FEED_MAX_AGE_SECONDS may change meanwhile
    etag: str
    last_modified: datetime
    not_modified_headers: list[tuple[str, str]]
    headers: list[tuple[str, str]]  # of a 200 without Content-Length, which is the body's


def url_key(environ) -> tuple:
    """Everything in the request that can change a feed's answer besides the database.

    The host and scheme are in it because without PUBLIC_BASE_URL the links in a feed use them.
    """
    return (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST"), environ.get("SERVER_NAME"), environ.get("SERVER_PORT"),
            environ.get("SCRIPT_NAME", ""))


class Shortcut:
    """WSGI middleware in front of the app: serves slots, passes everything else through."""

    def __init__(self, app, wsgi_app, feed_cache, max_slots: int):
        self.app, self.wsgi_app, self.feed_cache = app, wsgi_app, feed_cache
        self.slots = caches.register(app, "feed_shortcut", LRU(max_slots))

    def remember(self, environ, slot: Slot) -> None:
        """Keep a route's answer for this URL (called by the routes, inside the request)."""
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            self.slots.put(url_key(environ), slot)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        # A cross-origin request (it carries Origin) goes through Flask, where cors.py adds its headers.
        if (path.startswith(PREFIXES) and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
                and not environ.get("HTTP_ORIGIN")):
            answer = self._answer(environ)
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return self.wsgi_app(environ, start_response)

    def _answer(self, environ):
        """Return (status, headers, body) from a slot still valid, or None to let Flask answer."""
        try:
            # First: a replaced database file (a restore) empties every slot here, before one is read.
            db = thread_db(self.app)
        except (sqlite3.Error, DatabaseUnavailable):
            return None  # let the route answer (or report) it
        key = url_key(environ)
        slot = self.slots.get(key)
        if slot is None:
            return None
        try:
            current = feed_versions.versions(db, slot.scopes)
        except sqlite3.Error:
            return None
        config = self.app.config
        if (current != slot.versions or (slot.day is not None and window.today() != slot.day)
                or validators.feed_shape(config) != slot.shape
                or validators.cache_control(config, slot.private) != slot.cache_control):
            self.slots.discard(key, only_if=slot)
            return None
        if validators.not_modified(environ, slot.etag, slot.last_modified):
            return "304 NOT MODIFIED", [*slot.not_modified_headers, VARY], b""
        entry = self.feed_cache.fresh(slot.feed_key, slot.versions)
        if entry is None or entry.etag != slot.etag:
            return None  # evicted or rebuilt meanwhile: the route has the bytes or builds them
        return "200 OK", [*slot.headers, VARY, ("Content-Length", str(len(entry.body)))], entry.body
