"""CSRF tokens on the pages' forms and the security headers of every HTML response."""

from flask import request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# No inline scripts or styles: the pages load /static files only.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# flask-smorest's Swagger UI page starts itself with an inline script; only that page may run one.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
DOCS_ENDPOINTS = frozenset({"api-docs.openapi_swagger_ui", "api-docs.openapi_redoc", "api-docs.openapi_rapidoc"})
TOKEN_AUTHENTICATED = ("/api/", "/feeds/")  # the API ignores the session cookie (auth.BEARER_ONLY); feeds only read
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def protect_forms():
    """Check the CSRF token of every write outside the token-authenticated API and feeds."""
    if request.routing_exception is not None:
        return  # unknown address or method: let the 404/405 page answer
    if request.method in WRITE_METHODS and not request.path.startswith(TOKEN_AUTHENTICATED):
        csrf.protect()


def add_headers(response):
    """Set the security headers on HTML answers (pages, error pages and the API docs page)."""
    if response.mimetype != "text/html":
        return response
    docs = request.endpoint in DOCS_ENDPOINTS
    response.headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else PAGE_CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app) -> None:
    """Enable CSRF tokens (checked by protect_forms, not app-wide) and the headers."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(protect_forms)
    app.after_request(add_headers)
