"""CSRF tokens on the pages' forms and the security headers of every HTML response."""

from flask import current_app, request
from flask_wtf.csrf import CSRFProtect

from ..cors import check_origins

csrf = CSRFProtect()

# No inline scripts or styles: the pages load /static files only.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# flask-smorest's Swagger UI page starts itself with an inline script; only that page may run one.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
# The pages portals frame (web/embed.py): who may frame them is EMBED_ALLOWED_ORIGINS' business.
EMBED_ENDPOINTS = frozenset({"web.embed_organization", "web.embed_agreement"})
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
    embedded = request.endpoint in EMBED_ENDPOINTS and response.status_code == 200
    response.headers.setdefault("Content-Security-Policy", embed_csp() if embedded else DOCS_CSP if docs else PAGE_CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not embedded:  # X-Frame-Options cannot name origins; frame-ancestors says it for the embedded pages
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def embed_csp() -> str:
    """The pages' policy, with frame-ancestors from EMBED_ALLOWED_ORIGINS (empty: any site may frame)."""
    origins = current_app.config["EMBED_ALLOWED_ORIGINS"]
    return PAGE_CSP.replace("frame-ancestors 'none'", "frame-ancestors " + (" ".join(origins) or "*"))


def init_app(app) -> None:
    """Enable CSRF tokens (checked by protect_forms, not app-wide) and the headers."""
    check_origins(app.config["EMBED_ALLOWED_ORIGINS"], "EMBED_ALLOWED_ORIGINS")  # they go into a header as given
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(protect_forms)
    app.after_request(add_headers)
