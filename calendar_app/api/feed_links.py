"""/api/v1/feed-links: the caller's personal feed links (create, list, revoke)."""

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import AUTHENTICATION_REQUIRED, Unauthorized, require_identity, require_organizations
from ..db import get_db
from ..links import feed_links, personal_feed_path
from ..repositories import feed_links as links_repository
from ..repositories.organizations import ids_for_slugs
from ..schemas.access import FeedLinkInSchema, FeedLinkListSchema, FeedLinkSchema
from .common import writing

blp = Blueprint("feed_links", __name__, description="Personal feed links: your own revocable calendar URLs")


def _owner() -> str:
    identity = require_identity()
    if identity.owner is None:
        raise Unauthorized(AUTHENTICATION_REQUIRED)
    return identity.owner


@blp.route("/feed-links")
class FeedLinks(MethodView):
    @blp.response(200, FeedLinkListSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self):
        """List your personal feed links (never their secrets)"""
        return {"items": links_repository.list_links(get_db(), _owner())}

    @blp.arguments(FeedLinkInSchema)
    @blp.response(201, FeedLinkSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, data):
        """Create a personal feed link for organizations you may see; its URL is in this answer only"""
        with writing() as (db, identity):
            require_organizations(identity, data["organizations"])  # a limited token: only its own
            ids = ids_for_slugs(db, data["organizations"], "organizations")
            record, secret = links_repository.create(db, _owner(), data["name"], list(ids.values()), identity.actor)
        return {**record, "feeds": feed_links(personal_feed_path(secret))}, 201


@blp.route("/feed-links/<int:link_id>")
class FeedLink(MethodView):
    @blp.response(200, FeedLinkSchema)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, link_id):
        """Revoke one of your feed links; its URL answers 404 at once"""
        with writing() as (db, identity):
            return links_repository.revoke(db, _owner(), link_id, identity.actor)
