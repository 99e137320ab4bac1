"""Absolute links clients can follow or subscribe to: https, webcal and Google Calendar."""

from urllib.parse import quote

from flask import current_app, request


def absolute(path: str) -> str:
    """Prefix a path with the public base URL (configured, or the request's own host)."""
    base = current_app.config["PUBLIC_BASE_URL"] or request.host_url
    return base.rstrip("/") + path


def feed_links(path: str) -> dict:
    """The three ways to subscribe to a feed at `path`."""
    https = absolute(path)
    webcal = "webcal://" + https.split("://", 1)[1]
    return {
        "https": https,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=":/"),
    }


def organization_feed_path(slug: str) -> str:
    return f"/feeds/organizations/{slug}.ics"


def agreement_feed_path(slug: str) -> str:
    return f"/feeds/agreements/{slug}.ics"


def event_ics_path(event_id: int) -> str:
    return f"/events/{event_id}.ics"
