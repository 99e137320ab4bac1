"""/api/v1/import: bring events in from an iCalendar file, all or nothing."""

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from ..errors import ApiError
from ..importer import import_calendar, parse
from ..repositories import events
from ..schemas.imports import ImportQuerySchema, ImportResultSchema
from .common import writing
from .events import _check_scope

blp = Blueprint("imports", __name__, description="Import from iCalendar files")


class UnsupportedMediaType(ApiError):
    status = 415


@blp.route("/import")
class Import(MethodView):
    @blp.arguments(ImportQuerySchema, location="query")
    @blp.response(200, ImportResultSchema)
    @blp.doc(security=[{"bearer": []}], requestBody={
        "required": True, "content": {"text/calendar": {"schema": {"type": "string"}}}})
    def post(self, query):
        """Import a text/calendar body: UIDs kept, importing again updates; any error writes nothing"""
        if request.mimetype != "text/calendar":
            raise UnsupportedMediaType("Send the file as 'Content-Type: text/calendar'.")
        data = request.get_data(cache=False)
        with writing() as (db, identity):
            _check_scope(db, identity, {"organizations": [query["organization"]], "agreement": query.get("agreement")})
            if identity.organizations is not None:
                _check_existing(db, identity, data, current_app.config["IMPORT_MAX_BYTES"])
            result = import_calendar(db, data, query["organization"], query.get("agreement"), identity.actor,
                                     current_app.config["IMPORT_MAX_BYTES"])
        return result


def _check_existing(db, identity, data: bytes, max_bytes: int) -> None:
    """Apply the events API's scope rule to every stored event the file names by UID, series or override."""
    for component in parse(data, max_bytes):
        uid = component.event.get("UID")
        row = db.execute("select id from events where uid = ?", [str(uid)]).fetchone() if uid else None
        if row:
            _check_scope(db, identity, events.get(db, row[0]))
