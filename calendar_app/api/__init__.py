"""The JSON API under /api/v1, its OpenAPI document and an offline docs page."""

import os
import threading

import flask_smorest.pagination
import flask_swagger_ui
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow import resolver as default_resolver
from flask import Blueprint, g, request, send_from_directory
from flask_smorest import Api
from flask_smorest.pagination import PaginationMetadataSchema
from webargs.flaskparser import FlaskParser
from werkzeug.routing import IntegerConverter

from ..auth import require_write
from ..errors import error_body, flatten_locations, http_error_page
from . import list_cache, list_etags

# flask-smorest documents X-Pagination as an object header but sends JSON; we do not use
# its paginator, but keep the document honest should a view ever do.
flask_smorest.pagination.PAGINATION_HEADER = {
    "description": "Pagination metadata (JSON)",
    "content": {"application/json": {"schema": PaginationMetadataSchema}},
}


class BoundedJSONParser(FlaskParser):
    """webargs' parser, answering JSON Python cannot hold with 400 instead of a 500.

    Deeply nested JSON ([[[[…]]]]) raises RecursionError; an integer of over 4,300 digits raises a
    plain ValueError (Python's int_max_str_digits guard), which webargs does not take for bad JSON.
    """

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except (RecursionError, ValueError) as error:
            self._handle_invalid_json_error(error, req)


# Set before the resource modules are imported: flask-smorest binds the parser when views are decorated.
flask_smorest.Blueprint.ARGUMENTS_PARSER = BoundedJSONParser()

API_PREFIX = "/api/v1"


class CalendarApi(Api):
    """flask-smorest's Api with our one error shape, the Allow header kept on 405, and a document built when read."""

    _undocumented: list | None = None  # blueprints registered but not yet in the OpenAPI document
    _documenting = threading.Lock()

    @property
    def spec(self):
        """The OpenAPI document, completed with the views of every blueprint registered so far."""
        if self._undocumented:
            with self._documenting:  # two threads may read the document first at the same moment
                while self._undocumented:
                    self._undocumented.pop(0)()
        return self._spec

    @spec.setter
    def spec(self, value):
        self._spec = value

    def register_blueprint(self, blp, *, parameters=None, **options):
        """Register the views now and document them on the first read of the document.

        Documenting the views costs more than all the rest of create_app(), and most apps never serve
        the document: each test, each CLI command, each worker until /api/v1/openapi.json is asked for.
        """
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)

        def document():
            blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
            self._spec.tag({"name": name, "description": blp.description})

        self._undocumented = [*(self._undocumented or []), document]

    def handle_http_exception(self, error):
        page = http_error_page(error)  # pages answer in HTML; /api/ and /feeds/ in JSON
        if page is not None:
            return page
        payload, code, headers = super().handle_http_exception(error)
        data = getattr(error, "data", None) or {}
        raw_errors = data.get("errors") or data.get("messages")
        errors = flatten_locations(raw_errors) if raw_errors else None
        message = data.get("message") or error.description or ""
        if code == 422 and errors:
            message = "Some fields are invalid."
        if code == 400 and errors and "_request" in errors:
            message = "; ".join(str(m) for m in errors.pop("_request")) or message
            errors = errors or None
        allow = dict(error.get_headers()).get("Allow")
        headers = {**headers, "Allow": allow} if allow else headers
        return error_body(code, message, errors), code, headers


def schema_name(schema) -> str:
    """Name a partial (PATCH) schema apart from the full one, so the document has both."""
    name = default_resolver(schema)
    return f"{name}Patch" if getattr(schema, "partial", False) else name


docs_assets = Blueprint("docs_assets", __name__)


@docs_assets.route(f"{API_PREFIX}/docs-assets/<path:name>")
def docs_asset(name):
    """Serve Swagger UI's files from the installed package, so the docs page works offline."""
    return send_from_directory(os.path.join(os.path.dirname(flask_swagger_ui.__file__), "dist"), name)


class SqliteIdConverter(IntegerConverter):
    """<int:…> limited to SQLite's 64-bit range: a larger id is a 404, not an OverflowError (500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def guard_writes():
    """Authenticate writes before the body is parsed: no token, no validation feedback."""
    if request.routing_exception is not None:
        return  # no such route or method: let it answer 404/405 (with Allow), nothing can be written
    if request.method in WRITE_METHODS and request.path.startswith(API_PREFIX + "/"):
        require_write()


def json_headers(response):
    """No JSON answer is sniffed into HTML; an API answer varies by its caller, and an identified one is private.

    An identified caller (token or session) may be shown internal events: a shared cache keeping that
    answer would serve it to the next anonymous visitor.
    """
    if response.mimetype == "application/json":
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.path.startswith(API_PREFIX + "/"):
        response.vary.update(("Authorization", "Cookie"))
        if g.get("identity") is not None:
            response.cache_control.private = True
            response.cache_control.public = False
    return response


def init_app(app) -> None:
    """Create the Api and register every resource blueprint."""
    from . import agreements, audit, events, feed_links, holidays, imports, obligations, organizations, overrides, tokens, webhooks

    app.url_map.converters["int"] = SqliteIdConverter  # before any route; feeds and pages register later
    api = CalendarApi(app, spec_kwargs={
        "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name),
        "info": {"description": "Events and signing ceremonies of coordination agreements between organizations."},
    })
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    from ..feeds import fullcalendar

    for module in (organizations, agreements, obligations, events, overrides, imports, tokens, feed_links, audit, holidays,
                   webhooks):
        api.register_blueprint(module.blp, url_prefix=API_PREFIX)
    api.register_blueprint(fullcalendar.blp)  # a feed (/feeds/…), documented with the API for portals
    app.before_request(guard_writes)
    app.after_request(json_headers)
    list_etags.init_app(app)  # after guard_writes, before the list cache (see list_etags)
    list_cache.init_app(app)  # after guard_writes: a cached answer is still a request that passed it
    app.register_blueprint(docs_assets)
    app.extensions["calendar_api"] = api
