"""/api/v1/events/<id>/occurrences/<recurrence_id>: change or cancel one occurrence of a series."""

from flask.views import MethodView
from flask_smorest import Blueprint

from ..db import get_db
from ..repositories import events, holidays, overrides
from ..schemas.holidays import OverrideWrittenSchema
from ..schemas.overrides import OverrideInSchema, OverrideListSchema, OverrideSchema
from .common import writing
from .events import _check_scope, _visible

blp = Blueprint("overrides", __name__, description="Single occurrences of recurring events: moved, changed, cancelled")


@blp.route("/events/<int:event_id>/overrides")
class Overrides(MethodView):
    @blp.response(200, OverrideListSchema)
    def get(self, event_id):
        """List the overridden occurrences of a series"""
        db = get_db()
        _visible(db, event_id)
        return {"items": overrides.list_for_event(db, event_id)}


@blp.route("/events/<int:event_id>/occurrences/<recurrence_id>")
class Occurrence(MethodView):
    @blp.response(200, OverrideSchema)
    def get(self, event_id, recurrence_id):
        """Read the override of one occurrence (404 when it follows the series)"""
        db = get_db()
        _visible(db, event_id)
        return overrides.get(db, event_id, recurrence_id)

    @blp.arguments(OverrideInSchema)
    @blp.response(200, OverrideWrittenSchema)
    @blp.alt_response(201, schema=OverrideWrittenSchema, description="The occurrence was not overridden before")
    @blp.doc(security=[{"bearer": []}])
    def put(self, fields, event_id, recurrence_id):
        """Move, change or cancel one occurrence (recurrence_id: its original local start, or date)"""
        with writing() as (db, identity):
            event = events.get(db, event_id)
            _check_scope(db, identity, event)
            override, created = overrides.put(db, event_id, recurrence_id, fields, identity.actor)
            if fields.get("starts_at") or fields.get("start_date"):  # moved: say so if onto a day off
                span = {key: override[key] for key in ("starts_at", "ends_at", "start_date", "end_date") if override[key]}
                found = holidays.warnings_for(db, {**event, **span})
                override = {**override, "warnings": found} if found else override
        return override, 201 if created else 200

    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, event_id, recurrence_id):
        """Restore one occurrence to the series"""
        with writing() as (db, identity):
            _check_scope(db, identity, events.get(db, event_id))
            overrides.delete(db, event_id, recurrence_id, identity.actor)
        return None
