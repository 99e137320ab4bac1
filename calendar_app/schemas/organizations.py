"""Organizations in and out of the API."""

from marshmallow import Schema, fields, validate

from .common import ListEnvelopeSchema, PageQuerySchema, Slug, Text, WebUrl

ORGANIZATION_KINDS = ("ministry", "party_committee", "press", "enterprise", "government_agency", "association", "other")


class OrganizationInSchema(Schema):
    """An organization as a client sends it; the slug is made from the name when left out."""

    slug = Slug()
    name = Text(required=True, min_length=1, max_length=300, metadata={"example": "Tạp chí Cộng sản"})
    short_name = Text(allow_none=True, max_length=100, metadata={"example": "TCCS"})
    kind = fields.String(load_default="other", validate=validate.OneOf(ORGANIZATION_KINDS))
    parent = Slug(allow_none=True, metadata={"description": "Slug of the parent organization"})
    website = WebUrl(allow_none=True)


class FeedLinksSchema(Schema):
    https = fields.String(required=True)
    webcal = fields.String(required=True)
    google = fields.String(required=True)


class FeedOwnerSchema(Schema):
    """What an organization and an agreement both show: a slug in a tree, a kind, its own feeds."""

    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    kind = fields.String(required=True)
    parent = fields.String(allow_none=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)
    feeds = fields.Nested(FeedLinksSchema, required=True)


class OrganizationSchema(FeedOwnerSchema):
    """An organization as the API returns it."""

    name = fields.String(required=True)
    short_name = fields.String(allow_none=True)
    website = fields.String(allow_none=True)


class OrganizationListSchema(ListEnvelopeSchema):
    items = fields.List(fields.Nested(OrganizationSchema), required=True)


class OrganizationQuerySchema(PageQuerySchema):
    parent = Slug(metadata={"description": "Only children of this organization"})
    q = Text(max_length=200, metadata={"description": "Search, insensitive to case and diacritics"})
