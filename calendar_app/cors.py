"""Cross-origin reads for portals: `*` for anonymous GETs of the API and feeds, more only for CORS_ORIGINS.

flask-cors evaluates the headers (origin matching, preflight, the allowed request headers); its
`resources` choose a policy by path alone, so the one choice made here is which of two policies a
request gets:

- public: any origin, `Access-Control-Allow-Origin: *`, no credentials, GET/HEAD only, and no
  `Authorization` header allowed in a preflight (a browser on another site cannot send a token);
- trusted: an origin listed in CORS_ORIGINS (exact origins, never patterns: flask-cors would
  read a pattern with `re.match`, a prefix match) may also send tokens and write.

An identified request (a bearer token, a `?token=` feed URL) or a write from any other origin
gets no CORS headers at all. Credentials (cookies) are never allowed: the API ignores them.
Hazard: the feed shortcut answers before Flask, so it lets requests with an Origin through to
here (feeds/shortcut.py).
"""

import re

from flask import request
from flask_cors.core import get_cors_options, set_cors_headers

PATHS = ("/api/v1/", "/feeds/", "/events/")
EXPOSED = ["ETag", "Last-Modified", "Location", "Content-Disposition"]
ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$")
SAFE_METHODS = frozenset({"GET", "HEAD"})
MAX_AGE = 600  # seconds a browser may keep a preflight's answer


def check_origins(origins, setting: str = "CORS_ORIGINS") -> list[str]:
    """A setting's origins, refusing anything but exact lower-case origins (no patterns, nothing to inject)."""
    if isinstance(origins, str) or not all(isinstance(o, str) and ORIGIN.match(o) for o in origins):
        raise ValueError(f"{setting} must be a list of origins such as 'https://cong.example.gov.vn' "
                         "(scheme, lower-case host and port only; no patterns).")
    return list(origins)


def _public_policy(app):
    return get_cors_options(app, {
        "origins": "*", "send_wildcard": True, "supports_credentials": False, "always_send": False,
        "methods": ["GET", "HEAD", "OPTIONS"], "allow_headers": ["If-None-Match", "If-Modified-Since"],
        "expose_headers": EXPOSED, "max_age": MAX_AGE, "vary_header": False})


def _trusted_policy(app, origins: list[str]):
    return get_cors_options(app, {
        "origins": origins, "supports_credentials": False, "always_send": False,
        "methods": ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"],
        "allow_headers": ["Authorization", "Content-Type", "If-Match", "If-None-Match", "If-Modified-Since"],
        "expose_headers": EXPOSED, "max_age": MAX_AGE, "vary_header": True})


def identified() -> bool:
    """Whether the request names a caller or writes: such answers go only to CORS_ORIGINS."""
    if request.method == "OPTIONS":
        return False  # a preflight carries no credentials; the public policy refuses what it asks beyond a read
    return (request.method not in SAFE_METHODS or bool(request.headers.get("Authorization"))
            or "token" in request.args or request.view_args is not None and "secret" in request.view_args)


def init_app(app) -> None:
    """Add the headers to every answer under PATHS (error answers too: after_request sees them)."""
    trusted_origins = check_origins(app.config["CORS_ORIGINS"])
    # Every option is given: flask-cors would otherwise take defaults from CORS_* settings (ours included).
    public, trusted = _public_policy(app), _trusted_policy(app, trusted_origins)
    listed = {origin.lower() for origin in trusted_origins}

    def add_headers(response):
        if not request.path.startswith(PATHS):
            return response
        response.vary.add("Origin")  # the headers below depend on it: shared caches must key on it
        origin = request.headers.get("Origin")
        if not origin:
            return response
        if origin.lower() in listed:
            return set_cors_headers(response, trusted)
        if identified():
            return response
        return set_cors_headers(response, public)

    app.after_request(add_headers)
