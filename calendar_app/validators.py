"""What a feed's validators are made of: the build key, the settings that shape a feed, the ETag and the 304 rule.

The routes and the WSGI shortcut both answer conditional requests; they read these functions and
decide nothing of their own, so that a 304 from either means the same thing.
"""

import functools
import hashlib
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from werkzeug.http import parse_date, parse_etags

# Raise when the layout of stored VEVENT bytes changes in a way the package source does not show
# (the template markers of feeds/cache.py, say); every stored byte and every ETag moves with it.
FORMAT_VERSION = 2
# Everything else the bytes depend on: the libraries that write them and the zone rules they read.
LIBRARIES = ("icalendar", "python-dateutil", "tzdata")
PACKAGE = Path(__file__).resolve().parent

# The configuration a feed's bytes depend on: a changed one must change the ETag and must not be
# answered from a slot the shortcut kept. (FEED_MAX_AGE_SECONDS only shapes a header: cache_control.)
FEED_SETTINGS = ("FEED_PAST_DAYS", "FEED_CANCELLED_RETENTION_DAYS", "DEFAULT_TIMEZONE", "FEED_REFRESH_SECONDS",
                 "PUBLIC_BASE_URL", "FEED_EXPAND_DAYS", "OCCURRENCE_MAX_RESULTS", "OCCURRENCE_WINDOW_MAX_DAYS",
                 "FEED_MAX_EVENTS")


@functools.cache
def build_key() -> str:
    """Name the code and data that shape feed bytes, so a deploy never serves bytes of an older build.

    The whole package's source rather than a list of files: no one has to remember that a change to
    eventtime.py or recurrence.py reaches the bytes. Computed once per process.
    """
    digest = hashlib.sha256(f"format {FORMAT_VERSION}".encode())
    for name in LIBRARIES:
        digest.update(f"|{name} {version(name)}".encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(b"|" + path.relative_to(PACKAGE).as_posix().encode() + b"|")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def feed_shape(config) -> tuple:
    """Everything besides the data and the URL that shapes a feed's bytes: the build key and FEED_SETTINGS."""
    return (build_key(), *(config[name] for name in FEED_SETTINGS))


def cache_control(config, private: bool) -> str:
    """How long caches may keep a feed; a private one (token or signed-in caller) is never kept."""
    return "private, no-store" if private else f"public, max-age={config['FEED_MAX_AGE_SECONDS']}"


def etag(*parts) -> str:
    """A strong ETag from what the feed depends on (never from its body), under the current build key."""
    text = "|".join(str(p) for p in (build_key(), *parts))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def not_modified(environ, etag_value: str, last_modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present; If-Modified-Since only otherwise."""
    if_none_match = parse_etags(environ.get("HTTP_IF_NONE_MATCH"))
    if if_none_match:
        return if_none_match.contains_weak(etag_value.strip('"')) or if_none_match.star_tag
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    return since is not None and last_modified <= since
