"""HTML error pages for the site's paths (errors.wants_html decides which paths those are)."""

from flask import g, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .i18n import gettext as _

TITLES = {400: "The request could not be understood", 403: "Not allowed", 404: "Page not found",
          405: "Not allowed here", 413: "Too much data", 429: "Too many attempts",
          500: "Something went wrong on our side", 503: "Temporarily unavailable"}
MESSAGES = {404: "There is nothing at this address. It may have been moved or mistyped.",
            500: "The error has been noted. Please try again in a moment."}
CSRF_MESSAGE = "The form expired or was sent from elsewhere. Go back, reload the page and send it again."

def error_page(status: int, message: str | None = None, headers: dict | None = None):
    """Render an error page in the site's style (never a traceback)."""
    g.rendering_error = True  # the page chrome must not touch the database again
    title = _(TITLES[status]) if status in TITLES else _("Something went wrong")
    body = render_template("error.html", status=status, title=title, message=message)
    return body, status, headers or {}


def http_error_page(error: HTTPException):
    """Answer an HTTP error (404, 405, CSRF 400, 500…) with a page, keeping headers such as Allow."""
    status = error.code or 500
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    message = _(MESSAGES[status]) if status in MESSAGES else None
    if isinstance(error, CSRFError):
        message = _(CSRF_MESSAGE)
    return error_page(status, message, headers)


def api_error_page(error):
    """Answer a named exception raised while building a page (unknown slug, window too large…)."""
    message = _(MESSAGES[404]) if error.status == 404 else error.message
    return error_page(error.status, message)
