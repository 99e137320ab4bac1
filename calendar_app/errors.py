"""The one JSON error shape, the named exceptions behind it, and the one rule for HTML or JSON.

Pages answer errors as HTML, /api/, /feeds/ and .ics as JSON. The page itself is the web
package's (it registers its renderers with `render_pages_with`), so that nothing outside web/
imports web/.
"""

from http import HTTPStatus

from flask import current_app, jsonify, request
from werkzeug.exceptions import SecurityError

from .stored_event import UnreadableEvent  # Flask-free, so stored_event cannot raise an ApiError itself

JSON_PREFIXES = ("/api/", "/feeds/")


class ApiError(Exception):
    """An error the client can act on; carries its status and, optionally, per-field messages."""

    status = 400

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors


def _with_status(name: str, status: int) -> type[ApiError]:
    """A named ApiError that only sets its status."""
    return type(name, (ApiError,), {"status": status, "__module__": __name__, "__doc__": HTTPStatus(status).phrase})


NotFoundError = _with_status("NotFoundError", 404)
ConflictError = _with_status("ConflictError", 409)
PreconditionFailed = _with_status("PreconditionFailed", 412)
Forbidden = _with_status("Forbidden", 403)
BadRequest = _with_status("BadRequest", 400)
ServiceUnavailable = _with_status("ServiceUnavailable", 503)


class ValidationFailed(ApiError):
    """Invalid fields: `errors` maps each field to its messages."""

    status = 422

    def __init__(self, errors: dict, message: str = "Some fields are invalid."):
        super().__init__(message, errors)


class DatabaseUnavailable(ApiError):
    """The database file is missing (moved away, mid-restore): answer 503 until it is back."""

    status = 503

    def __init__(self, message: str = "The database is unavailable; try again shortly."):
        super().__init__(message)


class FeedUnavailable(ApiError):
    """A feed cannot be built whole: 503 with Retry-After, never 200 with fewer events.

    A sync tool that sees events vanish from a feed deletes them downstream; one that sees a 503 keeps
    what it has and tries again.
    """

    status = 503

    def __init__(self, retry_after: int, message: str = "This feed cannot be built right now; try again later."):
        super().__init__(message)
        self.headers = {"Retry-After": str(int(retry_after))}


class FeedTooLarge(ApiError):
    """A feed whose selection holds more than FEED_MAX_EVENTS events: 400, saying how to narrow it.

    publish-feeds leaves such a feed out (and says why in its index) instead of failing.
    """

    status = 400

    def __init__(self, limit: int):
        super().__init__(
            f"This feed holds more than {limit:,} events, more than a calendar program can load. Narrow it "
            "with organizations=a,b (and kind=), or subscribe to one organization's feed "
            "(/feeds/organizations/<slug>.ics).",
            {"organizations": [f"Choose organizations: the feed would hold more than {limit:,} events."]})


def error_body(status: int, message: str, errors: dict | None = None) -> dict:
    """Build the JSON error body every endpoint answers with."""
    body = {"code": status, "status": HTTPStatus(status).phrase, "message": message}
    if errors:
        body["errors"] = errors
    return body


def flatten_locations(errors: dict) -> dict:
    """Drop webargs' location layer ({"json": {...}} -> {...}) so clients see field names only."""
    flat = {}
    for fields in errors.values():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat.setdefault("_request", []).extend(fields if isinstance(fields, list) else [fields])
    return flat


def wants_html() -> bool:
    """Whether this request's errors should be a page rather than JSON."""
    return not request.path.startswith(JSON_PREFIXES) and not request.path.endswith(".ics")


def render_pages_with(app, http_error, api_error) -> None:
    """Let the pages render their own errors: http_error(HTTPException), api_error(ApiError)."""
    app.extensions["calendar_error_pages"] = (http_error, api_error)


def _pages():
    """The page renderers when this request's errors are pages, else None."""
    pages = current_app.extensions.get("calendar_error_pages")
    return pages if pages and wants_html() else None


def http_error_page(error):
    """The page for an HTTP error (404, 405, 500…) when this request wants one, else None (answer JSON)."""
    pages = _pages()
    return pages[0](error) if pages else None


def handle_api_error(error: ApiError):
    """Answer a named exception: a page for the site's paths, the JSON error shape elsewhere."""
    pages = _pages()
    if pages:
        return pages[1](error)
    headers = {"WWW-Authenticate": 'Bearer realm="calendar_app"'} if error.status == 401 else {}
    headers.update(getattr(error, "headers", {}))
    return jsonify(error_body(error.status, error.message, error.errors)), error.status, headers


UNTRUSTED_HOST = "The Host header names no site served here."


def handle_untrusted_host(_error: SecurityError):
    """A Host not in TRUSTED_HOSTS: no link can be built (so no page chrome), and the host is never echoed."""
    if wants_html():
        return UNTRUSTED_HOST, 400, {"Content-Type": "text/plain; charset=utf-8"}
    return jsonify(error_body(400, UNTRUSTED_HOST)), 400


def init_app(app) -> None:
    """Register the handlers for the named exceptions (HTTP errors go through the Api class)."""
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(UnreadableEvent, handle_unreadable_event)


def handle_unreadable_event(error: UnreadableEvent):
    """A stored event no code can read, reached by its own address (lists skip it): a 409 that names it."""
    return handle_api_error(ConflictError(str(error)))
