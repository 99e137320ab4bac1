"""Agreements and their parties in and out of the API."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .common import Day, ListEnvelopeSchema, PageQuerySchema, Slug, Text, WebUrl, CommaList
from .organizations import FeedOwnerSchema

AGREEMENT_KINDS = ("regulation", "program", "plan", "memorandum", "other")
PARTY_ROLES = ("signatory", "party", "witness")


class PartyInSchema(Schema):
    """One organization's part in an agreement, with the person who signed or witnessed."""

    organization = Slug(required=True)
    role = fields.String(required=True, validate=validate.OneOf(PARTY_ROLES))
    signatory_name = Text(allow_none=True, max_length=200, metadata={"example": "Đoàn Minh Huấn"})
    signatory_title = Text(allow_none=True, max_length=300, metadata={"example": "Tổng Biên tập"})


def check_parties(parties: list[dict]) -> None:
    """Each organization once; at least two distinct signatories or parties."""
    seen = [p["organization"] for p in parties]
    duplicates = sorted({s for s in seen if seen.count(s) > 1})
    if duplicates:
        raise ValidationError(f"Each organization may appear once; repeated: {', '.join(duplicates)}.", "parties")
    signing = {p["organization"] for p in parties if p["role"] in ("signatory", "party")}
    if len(signing) < 2:
        raise ValidationError("An agreement needs at least two distinct organizations as signatories or parties.",
                              "parties")


class AgreementInSchema(Schema):
    """An agreement as a client sends it."""

    slug = Slug()
    title = Text(required=True, min_length=1, max_length=500)
    kind = fields.String(required=True, validate=validate.OneOf(AGREEMENT_KINDS))
    summary = Text(allow_none=True, multiline=True, max_length=20000)
    signed_on = Day(allow_none=True)
    valid_from = Day(allow_none=True)
    valid_until = Day(allow_none=True)
    parent = Slug(allow_none=True, metadata={"description": "Slug of the program a yearly plan belongs to"})
    review_every_months = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=120))
    source_url = WebUrl(allow_none=True)
    parties = fields.List(fields.Nested(PartyInSchema), required=True, validate=validate.Length(max=50))
    create_review_series = fields.Boolean(load_default=False, load_only=True, metadata={
        "description": "Also create the recurring review-meeting event for the term (needs review_every_months "
                       "and valid_from)"})

    @validates_schema
    def check_whole(self, data, partial=None, **_kwargs):
        """Cross-field rules: a term that ends after it starts, parties, what a review series needs."""
        errors = {}
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            errors["valid_until"] = ["Must not be before valid_from."]
        if "parties" in data:
            try:
                check_parties(data["parties"])
            except ValidationError as error:
                errors.update(error.normalized_messages())
        if data.get("create_review_series"):
            missing = [f for f in ("review_every_months", "valid_from") if not data.get(f)]
            if missing:
                errors["create_review_series"] = [f"Needs {' and '.join(missing)}."]
        if errors:
            raise ValidationError(errors)


class PartySchema(Schema):
    organization = fields.String(required=True)
    organization_name = fields.String(required=True)
    role = fields.String(required=True)
    signatory_name = fields.String(allow_none=True)
    signatory_title = fields.String(allow_none=True)


class AgreementSchema(FeedOwnerSchema):
    """An agreement as the API returns it."""

    title = fields.String(required=True)
    summary = fields.String(allow_none=True)
    signed_on = fields.String(allow_none=True)
    valid_from = fields.String(allow_none=True)
    valid_until = fields.String(allow_none=True)
    review_every_months = fields.Integer(allow_none=True)
    source_url = fields.String(allow_none=True)
    parties = fields.List(fields.Nested(PartySchema), required=True)
    review_series_event = fields.Integer(allow_none=True, metadata={
        "description": "Id of the review-meeting series created with create_review_series"})


class AgreementListSchema(ListEnvelopeSchema):
    items = fields.List(fields.Nested(AgreementSchema), required=True)


class AgreementQuerySchema(PageQuerySchema):
    organization = Slug(metadata={"description": "Agreements this organization is party to"})
    kind = CommaList(AGREEMENT_KINDS)
    active_on = Day(metadata={"description": "In force on this day"})
    expiring_before = Day(metadata={"description": "valid_until before this day"})
    q = Text(max_length=200)
