"""/api/v1/webhooks: receivers of event changes, and what was sent to each."""

from flask import current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import require_identity  # any valid token reads the webhooks of its scope
from ..db import get_db
from ..links import absolute
from ..schemas.webhooks import (DeliveryListSchema, DeliveryQuerySchema, WebhookInSchema, WebhookListSchema,
                                WebhookSchema)
from ..webhooks import history, subscriptions
from .common import envelope, writing

blp = Blueprint("webhooks", __name__, description="Webhooks: signed POSTs when events change")

PATCHABLE = tuple(WebhookInSchema().fields)


def _shown(webhook: subscriptions.Webhook) -> dict:
    return {**webhook.represent(), "deliveries_url": absolute(f"/api/v1/webhooks/{webhook.id}/deliveries")}


@blp.route("/webhooks")
class Webhooks(MethodView):
    @blp.response(200, WebhookListSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self):
        """List the webhooks of the token's organizations (all, for an unrestricted token)"""
        return {"items": [_shown(w) for w in subscriptions.list_for(get_db(), require_identity())]}

    @blp.arguments(WebhookInSchema)
    @blp.response(201, WebhookSchema)
    @blp.doc(security=[{"bearer": []}])
    def post(self, data):
        """Create a webhook; its signing secret is in this answer only"""
        config = current_app.config
        with writing() as (db, identity):
            webhook, secret = subscriptions.create(db, data, identity, config["WEBHOOK_ALLOW_HTTP_HOSTS"],
                                                   config["WEBHOOK_MAX_PER_TOKEN"])
        location = url_for(".Webhook", webhook_id=webhook.id, _external=True)
        return {**_shown(webhook), "secret": secret}, 201, {"Location": location}


@blp.route("/webhooks/<int:webhook_id>")
class Webhook(MethodView):
    @blp.response(200, WebhookSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self, webhook_id):
        """Read one webhook"""
        return _shown(subscriptions.get(get_db(), webhook_id, require_identity()))

    @blp.arguments(WebhookInSchema(partial=PATCHABLE))
    @blp.response(200, WebhookSchema)
    @blp.doc(security=[{"bearer": []}])
    def patch(self, changes, webhook_id):
        """Change a webhook's receiver, what it follows, or pause it (active: false)"""
        with writing() as (db, identity):
            webhook = subscriptions.update(db, webhook_id, changes, identity,
                                           current_app.config["WEBHOOK_ALLOW_HTTP_HOSTS"])
        return _shown(webhook)

    @blp.response(204)
    @blp.doc(security=[{"bearer": []}])
    def delete(self, webhook_id):
        """Delete a webhook; its pending deliveries are dropped"""
        with writing() as (db, identity):
            subscriptions.delete(db, webhook_id, identity)
        return None


@blp.route("/webhooks/<int:webhook_id>/deliveries")
class Deliveries(MethodView):
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliveryListSchema)
    @blp.doc(security=[{"bearer": []}])
    def get(self, query, webhook_id):
        """List a webhook's deliveries, newest first, with every attempt"""
        db = get_db()
        subscriptions.get(db, webhook_id, require_identity())
        items, total = history.deliveries(db, webhook_id, query.get("state"), query["limit"], query["offset"])
        return envelope(items, total, query)
