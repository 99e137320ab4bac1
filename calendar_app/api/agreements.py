"""/api/v1/agreements: agreements by slug, with their parties."""

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_organizations
from ..db import get_db
from ..links import agreement_feed_path, feed_links
from ..repositories import agreements, review_series
from ..schemas.agreements import AgreementInSchema, AgreementListSchema, AgreementQuerySchema, AgreementSchema
from ..settings import default_timezone
from ..text import slugify
from .common import check_if_match, envelope, etag_of, writing

blp = Blueprint("agreements", __name__, description="Coordination agreements: regulations, programs, yearly plans")

# PATCH may leave out any top-level field, but each party it sends must be whole: partial=True
# would also reach into the nested parties and let a party without organization or role through.
PATCHABLE = tuple(AgreementInSchema().fields)


def with_links(agreement: dict) -> dict:
    return {**agreement, "feeds": feed_links(agreement_feed_path(agreement["slug"]))}


def _party_slugs(agreement: dict) -> list[str]:
    return [p["organization"] for p in agreement["parties"]]


@blp.route("/agreements")
class Agreements(MethodView):
    @blp.arguments(AgreementQuerySchema, location="query")
    @blp.response(200, AgreementListSchema)
    def get(self, query):
        """List agreements by party, kind, term (active_on, expiring_before) or search"""
        items, total = agreements.list_agreements(get_db(), query, query["limit"], query["offset"])
        return envelope([with_links(a) for a in items], total, query)

    @blp.arguments(AgreementInSchema)
    @blp.response(201, AgreementSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, data):
        """Create an agreement with its parties (and, on request, its review-meeting series)"""
        data.setdefault("slug", slugify(data["title"]))
        with writing() as (db, identity):
            require_organizations(identity, _party_slugs(data))
            created = agreements.create(db, data, identity.actor)
            series = (review_series.create_series(db, created, identity.actor, default_timezone())
                      if data["create_review_series"] else None)
        body = {**with_links(created), "review_series_event": series["id"] if series else None}
        return body, 201, {"Location": url_for(".Agreement", slug=created["slug"], _external=True)}


@blp.route("/agreements/<slug>")
class Agreement(MethodView):
    @blp.response(200, AgreementSchema)
    def get(self, slug):
        """Read one agreement"""
        agreement = with_links(agreements.get(get_db(), slug))
        return agreement, 200, {"ETag": etag_of(agreement)}

    @blp.arguments(AgreementInSchema(partial=PATCHABLE))
    @blp.response(200, AgreementSchema)
    @blp.doc(security=[{"bearer": []}])
    def patch(self, changes, slug):
        """Change some fields of an agreement; parties, when sent, replace the list (If-Match honoured)"""
        changes.pop("create_review_series", None)
        with writing() as (db, identity):
            current = with_links(agreements.get(db, slug))
            require_organizations(identity, _party_slugs(current) + _party_slugs({"parties": changes.get("parties", [])}))
            check_if_match(current)
            updated = with_links(agreements.update(db, slug, changes, identity.actor))
        return updated, 200, {"ETag": etag_of(updated)}

    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, slug):
        """Delete an agreement no event or child agreement refers to (409 otherwise)"""
        with writing() as (db, identity):
            require_organizations(identity, _party_slugs(agreements.get(db, slug)))
            agreements.delete(db, slug, identity.actor)
        return None
