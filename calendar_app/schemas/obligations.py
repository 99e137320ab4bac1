"""Obligations, their period records and the follow-up view in and out of the API."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..followup.periods import STATES
from ..repositories.obligations import KINDS, VISIBILITIES
from .common import CommaList, Day, Slug, Text, WebUrl

MAX_REMIND_DAYS = 366


class ObligationInSchema(Schema):
    """An obligation as a client sends it: a cadence in months or a single due date."""

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = Text(max_length=300, metadata={"description": "Defaults to the kind's name", "example": "Hội nghị giao ban"})
    cadence_months = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=120), metadata={
        "description": "A period every N months over the agreement's term"})
    due_on = Day(allow_none=True, metadata={"description": "A single due date, instead of a cadence"})
    responsible = Slug(allow_none=True, metadata={
        "description": "The party responsible (one of the agreement's organizations); null: all parties"})
    remind_days = fields.Integer(validate=validate.Range(min=0, max=MAX_REMIND_DAYS), metadata={
        "description": "How many days before the due date the period counts as due (default 14)"})
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES), metadata={
        "description": "internal: shown only to the parties' identities, never in public feeds (default public)"})

    @validates_schema
    def check_whole(self, data, partial=None, **_kwargs):
        """A cadence or a due date, not both; a new obligation needs one of them."""
        if data.get("cadence_months") and data.get("due_on"):
            raise ValidationError({"due_on": ["Give either cadence_months or due_on, not both."]})
        if not partial and not data.get("cadence_months") and not data.get("due_on"):
            raise ValidationError({"cadence_months": ["Give a cadence in months or a single due date (due_on)."]})


class RecordInSchema(Schema):
    """What a period's record says: how it was fulfilled, or why it was waived."""

    event = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=2**63 - 1), metadata={
        "description": "Id of the event (of this agreement or a child plan) that fulfilled the period"})
    occurrence = Text(allow_none=True, max_length=40, metadata={
        "description": "Which occurrence of a recurring event (its start, ISO 8601)",
        "example": "2026-09-05T14:00:00+07:00"})
    outcome = Text(allow_none=True, multiline=True, max_length=20000, metadata={
        "description": "Minutes or a summary of the results", "example": "Biên bản hội nghị giao ban"})
    document_url = WebUrl(allow_none=True)
    held_on = Day(allow_none=True, metadata={"description": "The day it was held or sent"})
    waived_reason = Text(allow_none=True, multiline=True, max_length=2000, metadata={
        "description": "Waive the period instead (no event, outcome or date with it)"})

    @validates_schema
    def check_whole(self, data, **_kwargs):
        """Either a waiver with its reason, or a fulfilment with an event or the day it was held."""
        fulfilment = [k for k in ("event", "occurrence", "outcome", "document_url", "held_on") if data.get(k)]
        if data.get("waived_reason"):
            if fulfilment:
                raise ValidationError({"waived_reason": [
                    "A waived period has no " + ", ".join(fulfilment) + "; send one or the other."]})
        elif not data.get("event") and not data.get("held_on"):
            raise ValidationError({"held_on": ["Give the event that fulfilled the period, the day it was held, "
                                               "or a waived_reason."]})
        if data.get("occurrence") and not data.get("event"):
            raise ValidationError({"occurrence": ["An occurrence needs its event."]})


class RecordSchema(Schema):
    event = fields.Integer(allow_none=True)
    event_title = fields.String(allow_none=True)
    occurrence = fields.String(allow_none=True)
    plan = fields.String(allow_none=True, metadata={"description": "Slug of the child plan that fulfils a yearly plan"})
    outcome = fields.String(allow_none=True)
    document_url = fields.String(allow_none=True)
    held_on = fields.String(allow_none=True)
    waived_reason = fields.String(allow_none=True)
    recorded_by = fields.String(allow_none=True)
    recorded_at = fields.String(allow_none=True)


class PeriodSchema(Schema):
    n = fields.Integer(required=True)
    starts_on = fields.String(required=True)
    ends_on = fields.String(required=True)
    due_on = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "Derived: " + ", ".join(STATES)})
    record = fields.Nested(RecordSchema, allow_none=True)


class ProgressSchema(Schema):
    total = fields.Integer(allow_none=True, metadata={"description": "Periods in the term (null: open-ended)"})
    upcoming = fields.Integer(required=True)
    due = fields.Integer(required=True)
    fulfilled = fields.Integer(required=True)
    overdue = fields.Integer(required=True)
    waived = fields.Integer(required=True)


class ObligationSchema(Schema):
    """An obligation with its periods as of today (an open-ended term lists those due so far and the next)."""

    id = fields.Integer(required=True)
    agreement = fields.String(required=True)
    agreement_title = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    cadence_months = fields.Integer(allow_none=True)
    due_on = fields.String(allow_none=True)
    responsible = fields.String(allow_none=True)
    remind_days = fields.Integer(required=True)
    visibility = fields.String(required=True)
    periods = fields.List(fields.Nested(PeriodSchema), required=True)
    progress = fields.Nested(ProgressSchema, required=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)


class ObligationListSchema(Schema):
    items = fields.List(fields.Nested(ObligationSchema), required=True)
    total = fields.Integer(required=True)


class FollowUpQuerySchema(Schema):
    organization = Slug(metadata={"description": "This organization and its sub-units (default: every one)"})
    state = CommaList(STATES, load_default=lambda: ["due", "overdue"])


class FollowUpItemSchema(Schema):
    agreement = fields.String(required=True)
    agreement_title = fields.String(required=True)
    obligation = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    responsible = fields.String(allow_none=True)
    period = fields.Nested(PeriodSchema, required=True)


class TermSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    valid_until = fields.String(required=True)


class FollowUpSchema(Schema):
    """What an organization must follow up: periods by state, terms ending soon, terms ended without a successor."""

    items = fields.List(fields.Nested(FollowUpItemSchema), required=True)
    expiring = fields.List(fields.Nested(TermSchema), required=True, metadata={
        "description": "Agreements whose term ends within FOLLOW_UP_EXPIRING_DAYS (sắp hết hiệu lực)"})
    expired_without_successor = fields.List(fields.Nested(TermSchema), required=True, metadata={
        "description": "Agreements whose term has ended, with no later agreement of the same kind between the "
                       "same parties (đã hết hiệu lực, chưa ký tiếp)"})
