"""/api/v1/holidays: public holidays, make-up days off and weekend working days, by id."""

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_unrestricted
from ..db import get_db
from ..repositories import holidays
from ..schemas.holidays import HolidayInSchema, HolidayListSchema, HolidayQuerySchema, HolidaySchema
from .common import check_if_match, envelope, etag_of, writing

blp = Blueprint("holidays", __name__, description="Days off (holidays, nghỉ bù) and weekend working days")


@blp.route("/holidays")
class Holidays(MethodView):
    @blp.arguments(HolidayQuerySchema, location="query")
    @blp.response(200, HolidayListSchema)
    def get(self, query):
        """List holidays by day, of one year or all"""
        items, total = holidays.list_holidays(get_db(), query.get("year"), query["limit"], query["offset"])
        return envelope(items, total, query)

    @blp.arguments(HolidayInSchema)
    @blp.response(201, HolidaySchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, data):
        """Add a holiday (editors and write tokens for every organization: holidays concern all of them)"""
        with writing() as (db, identity):
            require_unrestricted(identity)
            created = holidays.create(db, data, identity.actor)
        return created, 201, {"Location": url_for(".Holiday", holiday_id=created["id"], _external=True)}


@blp.route("/holidays/<int:holiday_id>")
class Holiday(MethodView):
    @blp.response(200, HolidaySchema)
    def get(self, holiday_id):
        """Read one holiday"""
        holiday = holidays.get(get_db(), holiday_id)
        return holiday, 200, {"ETag": etag_of(holiday)}

    @blp.arguments(HolidayInSchema(partial=True))
    @blp.response(200, HolidaySchema)
    @blp.doc(security=[{"bearer": []}])
    def patch(self, changes, holiday_id):
        """Change some fields of a holiday (If-Match honoured)"""
        with writing() as (db, identity):
            require_unrestricted(identity)
            check_if_match(holidays.get(db, holiday_id))
            updated = holidays.update(db, holiday_id, changes, identity.actor)
        return updated, 200, {"ETag": etag_of(updated)}

    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, holiday_id):
        """Delete a holiday (seeded ones too)"""
        with writing() as (db, identity):
            require_unrestricted(identity)
            holidays.delete(db, holiday_id, identity.actor)
        return None
