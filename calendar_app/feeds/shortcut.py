"""Answer repeated feed requests before Flask: one version read, then a stored 304 or the stored bytes.

Calendar clients poll the same feed URLs all day, mostly to hear "not modified". Behind Flask a
304 costs more than the feed's own work (the request context opens the session, every hook
runs); here a request the routes have already answered at the same versions costs a dictionary
hit and one `feed_versions` read on a connection kept per thread.

The routes decide everything: a slot is written only after a route answered 200 or 304, under
the exact URL (path, query string and host), and records the scopes whose versions that answer
depended on. A slot is used only while those versions, the UTC day of a windowed feed, the
settings that shape feeds and the database file are unchanged; anything else (a miss, another
method, an If-None-Match naming an older version with no stored body, a database error) goes
through Flask as before. Every write that could change a feed's bytes, slug, name or token
bumps its scope's version, which is what the routes' own cache already relies on.

Hazard: these requests skip the app's before/after-request hooks. None of them applies to a
feed GET or HEAD today (CSRF and the write guard check writes, the list cache API lists, the page
headers HTML); a hook that must see feed requests has to be added here too.
"""

import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime

from werkzeug.http import parse_date, parse_etags

from ..db import file_identity
from . import window

PREFIXES = ("/feeds/", "/events/")
DEFAULT_SLOTS = 256


@dataclass(frozen=True)
class Slot:
    """One URL as a route answered it: what it depended on and the headers it sent."""

    feed_key: str  # the feed cache's key, where the body is (or is not) kept
    scopes: tuple[str, ...]
    versions: tuple[int, ...]
    day: date | None  # the UTC day a windowed feed was cut at; None for a feed without a window
    settings: tuple
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


def settings_of(config) -> tuple:
    """The settings that shape a feed's bytes or headers: a changed one must not be answered from a slot."""
    return (config["FEED_PAST_DAYS"], config["FEED_CANCELLED_RETENTION_DAYS"], config["DEFAULT_TIMEZONE"],
            config["FEED_REFRESH_SECONDS"], config["FEED_MAX_AGE_SECONDS"], config["PUBLIC_BASE_URL"])


class Shortcut:
    """WSGI middleware in front of the app: serves slots, passes everything else through."""

    def __init__(self, app, wsgi_app, feed_cache, max_slots: int = DEFAULT_SLOTS):
        self.app, self.wsgi_app, self.feed_cache = app, wsgi_app, feed_cache
        self.max_slots = max_slots
        self._slots: OrderedDict[tuple, Slot] = OrderedDict()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._file = file_identity(app.config["DATABASE"])

    def remember(self, environ, slot: Slot) -> None:
        """Keep a route's answer for this URL (called by the routes, inside the request)."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not self.max_slots:
            return
        file = file_identity(self.app.config["DATABASE"])
        key = url_key(environ)
        with self._lock:
            if file is None or file != self._file:
                return  # no file (in memory), or restored since: the next request drops everything kept
            self._slots[key] = slot
            self._slots.move_to_end(key)
            while len(self._slots) > self.max_slots:
                self._slots.popitem(last=False)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(PREFIXES) and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            answer = self._answer(environ)
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return self.wsgi_app(environ, start_response)

    def _answer(self, environ):
        """Return (status, headers, body) from a slot still valid, or None to let Flask answer."""
        file = file_identity(self.app.config["DATABASE"])
        if file != self._file:  # a restored database may repeat versions with other data: drop all kept
            with self._lock:
                self._slots.clear()
                self._file = file
            self.feed_cache.clear()
            return None
        key = url_key(environ)
        with self._lock:
            slot = self._slots.get(key)
        if slot is None:
            return None
        try:
            current = self._versions(slot.scopes, file)
        except sqlite3.Error:
            return None  # let the route answer (or report) it
        if (current != slot.versions or (slot.day is not None and window.today() != slot.day)
                or settings_of(self.app.config) != slot.settings):
            with self._lock:
                if self._slots.get(key) is slot:
                    del self._slots[key]
            return None
        if _not_modified(environ, slot.etag, slot.last_modified):
            return "304 NOT MODIFIED", list(slot.not_modified_headers), b""
        entry = self.feed_cache.get(slot.feed_key, slot.versions)
        if entry is None or entry.etag != slot.etag:
            return None  # evicted or rebuilt meanwhile: the route has the bytes or builds them
        return "200 OK", [*slot.headers, ("Content-Length", str(len(entry.body)))], entry.body

    def _versions(self, scopes: tuple[str, ...], file: tuple[int, int]) -> tuple[int, ...]:
        """The scopes' versions now, on this thread's connection to that file."""
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.file != file:
            if conn is not None:
                conn.close()
            conn = self._local.conn = sqlite3.connect(self.app.config["DATABASE"], timeout=10,
                                                      check_same_thread=False)
            self._local.file = file
        marks = ",".join("?" * len(scopes))
        # fetchall() runs the statement to its end: a statement left open would pin an old snapshot.
        found = dict(conn.execute(f"select scope, version from feed_versions where scope in ({marks})",
                                  scopes).fetchall())
        return tuple(found.get(scope, 0) for scope in scopes)


def _not_modified(environ, etag: str, last_modified: datetime) -> bool:
    """The routes' rule (RFC 9110): If-None-Match decides when present; If-Modified-Since only otherwise."""
    if_none_match = parse_etags(environ.get("HTTP_IF_NONE_MATCH"))
    if if_none_match:
        return if_none_match.contains_weak(etag.strip('"')) or if_none_match.star_tag
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    return since is not None and last_modified <= since
