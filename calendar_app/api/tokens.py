"""/api/v1/tokens and private feed tokens: access management for authenticated callers."""

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_organizations, require_unrestricted, require_write
from ..db import get_db
from ..links import feed_links, organization_feed_path
from ..repositories import organizations, tokens
from ..repositories.organizations import ids_for_slugs
from ..schemas.access import FeedTokenSchema, TokenInSchema, TokenListSchema, TokenSchema
from .common import writing

blp = Blueprint("tokens", __name__, description="API tokens and private feed tokens")


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.response(200, TokenListSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self):
        """List API tokens (never their secrets)"""
        require_unrestricted(require_write())
        return {"items": tokens.list_tokens(get_db())}

    @blp.arguments(TokenInSchema)
    @blp.response(201, TokenSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, data):
        """Create an API token; its secret is in this answer only"""
        with writing() as (db, identity):
            require_unrestricted(identity)
            if data["organizations"]:
                ids_for_slugs(db, data["organizations"], "organizations")
            record, secret = tokens.create(db, data["name"], data["scope"], data["organizations"],
                                           data["expires_in_days"], actor=identity.actor)
        return {**record, "token": secret}, 201


@blp.route("/tokens/<int:token_id>")
class Token(MethodView):
    @blp.response(200, TokenSchema)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, token_id):
        """Revoke a token at once"""
        with writing() as (db, identity):
            require_unrestricted(identity)
            return tokens.revoke(db, token_id, actor=identity.actor)


def _private_links(slug: str, token: str) -> dict:
    return feed_links(organization_feed_path(slug) + "?token=" + token)


@blp.route("/organizations/<slug>/feed-token")
class FeedToken(MethodView):
    @blp.response(200, FeedTokenSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self, slug):
        """Show the secret token of the organization's private feed (internal events included)"""
        require_organizations(require_write(), [slug])
        token = organizations.get_row(get_db(), slug)["feed_token"]
        return {"token": token, "feeds": _private_links(slug, token)}

    @blp.response(200, FeedTokenSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, slug):
        """Rotate the private feed token; the old private URL stops working"""
        with writing() as (db, identity):
            require_organizations(identity, [slug])
            token = organizations.rotate_feed_token(db, slug, identity.actor)
        return {"token": token, "feeds": _private_links(slug, token)}
