"""/api/v1/organizations: organizations, by slug."""

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_organizations
from ..db import get_db
from ..links import feed_links, organization_feed_path
from ..repositories import organizations
from ..schemas.organizations import (OrganizationInSchema, OrganizationListSchema, OrganizationQuerySchema,
                                     OrganizationSchema)
from ..text import slugify
from .common import check_if_match, envelope, etag_of, writing

blp = Blueprint("organizations", __name__, description="Organizations that sign agreements and hold events")


def with_links(organization: dict) -> dict:
    """Add the subscribe links of the organization's feed."""
    return {**organization, "feeds": feed_links(organization_feed_path(organization["slug"]))}


@blp.route("/organizations")
class Organizations(MethodView):
    @blp.arguments(OrganizationQuerySchema, location="query")
    @blp.response(200, OrganizationListSchema)
    def get(self, query):
        """List organizations, optionally children of one, or matching a search"""
        items, total = organizations.list_organizations(get_db(), query.get("parent"), query.get("q"),
                                                        query["limit"], query["offset"])
        return envelope([with_links(o) for o in items], total, query)

    @blp.arguments(OrganizationInSchema)
    @blp.response(201, OrganizationSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, data):
        """Create an organization"""
        data.setdefault("slug", slugify(data["name"]))
        with writing() as (db, identity):
            require_organizations(identity, [data["slug"], *filter(None, [data.get("parent")])])
            created = organizations.create(db, data, identity.actor)
        return with_links(created), 201, {"Location": url_for(".Organization", slug=created["slug"], _external=True)}


@blp.route("/organizations/<slug>")
class Organization(MethodView):
    @blp.response(200, OrganizationSchema)
    def get(self, slug):
        """Read one organization"""
        organization = with_links(organizations.get(get_db(), slug))
        return organization, 200, {"ETag": etag_of(organization)}

    @blp.arguments(OrganizationInSchema(partial=True))
    @blp.response(200, OrganizationSchema)
    @blp.doc(security=[{"bearer": []}])
    def patch(self, changes, slug):
        """Change some fields of an organization (If-Match honoured)"""
        with writing() as (db, identity):
            current = with_links(organizations.get(db, slug))
            # A parent's include=children feeds change with its children: old and new parent must be in scope.
            parents = [current["parent"], changes["parent"]] if "parent" in changes else []
            require_organizations(identity, [slug, *filter(None, parents)])
            check_if_match(current)
            updated = with_links(organizations.update(db, slug, changes, identity.actor))
        return updated, 200, {"ETag": etag_of(updated)}

    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, slug):
        """Delete an organization nothing refers to (409 otherwise)"""
        with writing() as (db, identity):
            require_organizations(identity, [slug])
            organizations.delete(db, slug, identity.actor)
        return None
