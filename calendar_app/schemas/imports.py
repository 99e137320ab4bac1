"""What an iCalendar import takes in the query and answers."""

from marshmallow import Schema, fields, validate


class ImportQuerySchema(Schema):
    """Where imported events belong."""

    organization = fields.String(required=True, validate=validate.Length(min=1, max=80))
    agreement = fields.String(validate=validate.Length(min=1, max=80))


class ImportResultSchema(Schema):
    created = fields.List(fields.String(), required=True, metadata={"description": "UIDs of new events"})
    updated = fields.List(fields.String(), required=True, metadata={"description": "UIDs of events updated"})
    overrides = fields.Integer(required=True, metadata={"description": "Occurrence overrides written"})
