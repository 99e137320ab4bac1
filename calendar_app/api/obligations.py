"""/api/v1/agreements/<slug>/obligations and /api/v1/follow-up: what an agreement owes, period by period."""

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import readable_internal, require_organizations
from ..db import get_db
from ..followup.today import follow_up, follow_up_today
from ..repositories import obligations
from ..schemas.obligations import (FollowUpQuerySchema, FollowUpSchema, ObligationInSchema, ObligationListSchema,
                                   ObligationSchema, RecordInSchema)
from .common import check_if_match, etag_of, writing

blp = Blueprint("obligations", __name__, description="Obligations of agreements: periods, records and follow-up")
PATCHABLE = tuple(ObligationInSchema().fields)


def _guard(db, identity, slug: str) -> None:
    """An agreement's obligations are written with the agreement's write scope: every party's."""
    require_organizations(identity, obligations.agreement_parties(db, slug))


@blp.route("/agreements/<slug>/obligations")
class Obligations(MethodView):
    @blp.response(200, ObligationListSchema)
    def get(self, slug):
        """List an agreement's obligations with their periods and states as of today"""
        items = obligations.list_for_agreement(get_db(), slug, follow_up_today(), readable_internal())
        return {"items": items, "total": len(items)}

    @blp.arguments(ObligationInSchema)
    @blp.response(201, ObligationSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, data, slug):
        """Add an obligation (a cadence yielding no period in the term is a 422)"""
        with writing() as (db, identity):
            _guard(db, identity, slug)
            created = obligations.create(db, slug, data, identity.actor, follow_up_today())
        return created, 201, {"Location": url_for(".Obligation", slug=slug, obligation_id=created["id"],
                                                  _external=True)}


@blp.route("/agreements/<slug>/obligations/<int:obligation_id>")
class Obligation(MethodView):
    @blp.response(200, ObligationSchema)
    def get(self, slug, obligation_id):
        """Read one obligation with its periods"""
        found = obligations.get(get_db(), slug, obligation_id, follow_up_today(), readable_internal())
        return found, 200, {"ETag": etag_of(_fields(found))}

    @blp.arguments(ObligationInSchema(partial=PATCHABLE))
    @blp.response(200, ObligationSchema)
    @blp.doc(security=[{"bearer": []}])
    def patch(self, changes, slug, obligation_id):
        """Change some fields of an obligation (If-Match honoured)"""
        with writing() as (db, identity):
            _guard(db, identity, slug)
            check_if_match(_fields(obligations.get(db, slug, obligation_id, follow_up_today())))
            updated = obligations.update(db, slug, obligation_id, changes, identity.actor, follow_up_today())
        return updated, 200, {"ETag": etag_of(_fields(updated))}

    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, slug, obligation_id):
        """Delete an obligation and its records"""
        with writing() as (db, identity):
            _guard(db, identity, slug)
            obligations.delete(db, slug, obligation_id, identity.actor, follow_up_today())
        return None


@blp.route("/agreements/<slug>/obligations/<int:obligation_id>/periods/<int:n>")
class Period(MethodView):
    @blp.arguments(RecordInSchema)
    @blp.response(200, ObligationSchema)
    @blp.doc(security=[{"bearer": []}])
    def put(self, data, slug, obligation_id, n):
        """Record period n: the event, outcome, document and day it was held, or a waiver (409 when recorded)"""
        with writing() as (db, identity):
            _guard(db, identity, slug)
            return obligations.record_period(db, slug, obligation_id, n, data, identity.actor, follow_up_today())

    @blp.response(200, ObligationSchema)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, slug, obligation_id, n):
        """Take period n's record back (its state follows the clock again)"""
        with writing() as (db, identity):
            _guard(db, identity, slug)
            return obligations.delete_record(db, slug, obligation_id, n, identity.actor, follow_up_today())


@blp.route("/follow-up")
class FollowUp(MethodView):
    @blp.arguments(FollowUpQuerySchema, location="query")
    @blp.response(200, FollowUpSchema)
    def get(self, query):
        """What is due or overdue for an organization and its sub-units; terms ending soon or ended unrenewed"""
        return follow_up(get_db(), query.get("organization"), query["state"], readable_internal())


def _fields(obligation: dict) -> dict:
    """What the ETag covers: the stored fields, not the states the clock moves."""
    return {k: v for k, v in obligation.items() if k not in ("periods", "progress")}
