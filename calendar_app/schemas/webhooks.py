"""Webhooks and their deliveries as the API takes and shows them."""

from marshmallow import Schema, fields, validate

from ..webhooks.subscriptions import CHANGES
from .common import ListEnvelopeSchema, PageQuerySchema, Slug, WebUrl

DELIVERY_STATES = ("pending", "delivered", "failed")


class WebhookInSchema(Schema):
    url = WebUrl(required=True, metadata={
        "description": "Receiver: https, or http on a host in the setting WEBHOOK_ALLOW_HTTP_HOSTS; never redirected"})
    organizations = fields.List(Slug(), allow_none=True, load_default=None, validate=validate.Length(min=1, max=100),
                                metadata={"description": "Follow the events these organizations take part in"})
    agreements = fields.List(Slug(), allow_none=True, load_default=None, validate=validate.Length(min=1, max=100),
                             metadata={"description": "Follow the events of these agreements; with organizations "
                                                      "null too, every event (unrestricted tokens only)"})
    include_children = fields.Boolean(load_default=False,
                                      metadata={"description": "Also the events of the organizations' sub-units"})
    changes = fields.List(fields.String(validate=validate.OneOf(CHANGES)), load_default=list(CHANGES),
                          validate=validate.Length(min=1), metadata={"description": "Which changes to send"})
    active = fields.Boolean(load_default=True)


class WebhookSchema(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    organizations = fields.List(fields.String(), allow_none=True, required=True)
    agreements = fields.List(fields.String(), allow_none=True, required=True)
    include_children = fields.Boolean(required=True)
    changes = fields.List(fields.String(), required=True)
    scope = fields.List(fields.String(), allow_none=True, required=True,
                        metadata={"description": "The creating token's organizations (null = all): internal events "
                                                 "reach the webhook only where these take part"})
    active = fields.Boolean(required=True)
    created_at = fields.String(required=True)
    created_by = fields.String(required=True)
    deliveries_url = fields.String(required=True)
    secret = fields.String(metadata={"description": "The signing key, in the answer to the creation only: "
                                                    "X-Calendar-Signature is 'sha256=' + hex HMAC-SHA256(secret, body)"})


class WebhookListSchema(Schema):
    items = fields.List(fields.Nested(WebhookSchema), required=True)


class AttemptSchema(Schema):
    at = fields.String(required=True)
    status = fields.Integer(allow_none=True, required=True, metadata={"description": "HTTP status, null if none"})
    error = fields.String(allow_none=True, required=True)
    duration_ms = fields.Integer(required=True)


class DeliverySchema(Schema):
    id = fields.Integer(required=True)
    delivery_key = fields.String(required=True, metadata={"description": "Sent as X-Calendar-Delivery"})
    change = fields.String(required=True)
    event_id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "pending, delivered or failed"})
    created_at = fields.String(required=True)
    next_attempt_at = fields.String(required=True)
    finished_at = fields.String(allow_none=True, required=True)
    payload = fields.Dict(required=True, metadata={"description": "The body as sent"})
    attempts = fields.List(fields.Nested(AttemptSchema), required=True)


class DeliveryQuerySchema(PageQuerySchema):
    state = fields.String(validate=validate.OneOf(DELIVERY_STATES))


class DeliveryListSchema(ListEnvelopeSchema):
    items = fields.List(fields.Nested(DeliverySchema), required=True)
