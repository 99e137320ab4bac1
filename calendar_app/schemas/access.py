"""API tokens, private feed tokens and the audit trail as the API shows them."""

from marshmallow import Schema, fields, validate

from .common import ListEnvelopeSchema, PageQuerySchema, Slug, Text

ENTITIES = ("organization", "agreement", "event", "token", "webhook", "feed_link", "obligation")


class TokenInSchema(Schema):
    name = Text(required=True, min_length=1, max_length=100)
    scope = fields.String(load_default="write", validate=validate.OneOf(("read", "write")))
    # An empty list must not read as "no limit": a token for no organization is refused (422).
    organizations = fields.List(Slug(), allow_none=True, load_default=None, validate=validate.Length(min=1),
                                metadata={"description": "Limit the token to these organizations; null = all"})
    expires_in_days = fields.Integer(load_default=365, validate=validate.Range(min=1, max=3650))


class TokenSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    scope = fields.String(required=True)
    organizations = fields.List(fields.String(), allow_none=True)
    created_at = fields.String(required=True)
    expires_at = fields.String(allow_none=True)
    revoked_at = fields.String(allow_none=True)
    last_used_at = fields.String(allow_none=True)
    token = fields.String(metadata={"description": "The secret, shown only in the answer to its creation"})


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema), required=True)


class FeedTokenSchema(Schema):
    token = fields.String(required=True)
    feeds = fields.Dict(required=True, metadata={"description": "Private feed links (https, webcal, google)"})


class AuditQuerySchema(PageQuerySchema):
    entity = fields.String(validate=validate.OneOf(ENTITIES))
    entity_id = fields.Integer(validate=validate.Range(min=1, max=2**63 - 1))  # SQLite's INTEGER range


class AuditEntrySchema(Schema):
    id = fields.Integer(required=True)
    at = fields.String(required=True)
    actor = fields.String(required=True)
    entity = fields.String(required=True)
    entity_id = fields.Integer(required=True)
    entity_key = fields.String(allow_none=True)
    action = fields.String(required=True)
    changes = fields.Dict(required=True, metadata={"description": "{field: [old, new]}"})


class AuditListSchema(ListEnvelopeSchema):
    items = fields.List(fields.Nested(AuditEntrySchema), required=True)


class FeedLinkInSchema(Schema):
    """A personal feed link to create: a name and the organizations it shows (among those the caller may see)."""

    name = Text(required=True, min_length=1, max_length=100, metadata={"example": "Lịch của tôi trên điện thoại"})
    organizations = fields.List(Slug(), required=True, validate=validate.Length(min=1, max=50))


class FeedLinkSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    organizations = fields.List(fields.String(), required=True)
    created_at = fields.String(required=True)
    revoked_at = fields.String(allow_none=True)
    last_used_at = fields.String(allow_none=True, metadata={"description": "Recorded at most hourly"})
    feeds = fields.Dict(metadata={"description": "The link's feed URLs (https, webcal, google): only in the answer "
                                                 "to its creation"})


class FeedLinkListSchema(Schema):
    items = fields.List(fields.Nested(FeedLinkSchema), required=True)
