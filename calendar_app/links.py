"""Absolute links clients can follow or subscribe to: https, webcal and Google Calendar."""

from urllib.parse import quote, urlencode

from flask import current_app, request
from werkzeug.exceptions import BadRequest


def absolute(path: str) -> str:
    """Prefix a path with the public base URL (configured, or the request's own host)."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if not base:
        if not request.host:
            # werkzeug empties a Host it cannot use ('evil.example"><x', 'a b'): no link can be built on it.
            raise BadRequest("The Host header is not a valid host name.")
        base = request.host_url
    return base.rstrip("/") + path


def with_query(path: str, args, **replace) -> str:
    """`path` with these query arguments, `replace` overriding theirs.

    Query keys are user data: passed to url_for as keywords, `endpoint` or a path argument's name is
    a TypeError (500) and `_external`, `_anchor`, `_scheme` rewrite the link itself.
    """
    pairs, replaced = [], set()
    for key, value in args:
        if key in replace:  # in the place the client gave it, once
            if key in replaced:
                continue
            value = replace[key]
            replaced.add(key)
        pairs.append((key, value))
    pairs += [(key, value) for key, value in replace.items() if key not in replaced]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def feed_links(path: str) -> dict:
    """The three ways to subscribe to a feed at `path`."""
    https = absolute(path)
    webcal = "webcal://" + https.split("://", 1)[1]
    return {
        "https": https,
        "webcal": webcal,
        # Only & must be escaped inside the query value; each escape costs two of Google's 256 characters.
        "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=":/?=,"),
    }


def organization_feed_path(slug: str) -> str:
    return f"/feeds/organizations/{slug}.ics"


def agreement_feed_path(slug: str) -> str:
    return f"/feeds/agreements/{slug}.ics"


def personal_feed_path(secret: str) -> str:
    """A personal feed link's URL path ('<id>-<secret>', repositories/feed_links.py)."""
    return f"/feeds/personal/{secret}.ics"


def event_ics_path(event_id: int) -> str:
    return f"/events/{event_id}.ics"
