"""Fields and schemas shared by every resource: clean text, slugs, list envelopes, paging."""

import re
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate

from .. import settings
from ..text import has_control_characters, nfc, trim

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


class Text(fields.String):
    """A string stored as NFC, trimmed of invisible edges, without controls (line breaks only where allowed)."""

    def __init__(self, *args, multiline: bool = False, max_length: int = 200, min_length: int = 0, **kwargs):
        self.multiline = multiline
        validators = list(kwargs.pop("validate", []) or [])
        validators.append(validate.Length(min=min_length, max=max_length))
        super().__init__(*args, validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValidationError("Contains characters that are not valid Unicode (lone surrogates).") from error
        text = trim(nfc(text))
        if has_control_characters(text, allow_newlines=self.multiline):
            raise ValidationError("Must not contain control characters"
                                  + ("." if self.multiline else " or line breaks."))
        return text


class Slug(fields.String):
    """A lower-case ASCII slug such as 'tap-chi-cong-san'."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("example", "tap-chi-cong-san")
        super().__init__(*args, validate=[validate.Length(min=1, max=80), validate.Regexp(
            SLUG_PATTERN, error="Use lower-case letters a-z, digits and single hyphens.")], **kwargs)


class WebUrl(fields.Url):
    """An http(s) URL of reasonable length."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, schemes={"http", "https"}, validate=validate.Length(max=2000), **kwargs)


class Day(fields.Date):
    """A calendar date within the years the calendar handles."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        check_year(day)
        return day


def year_in_range(year: int) -> bool:
    """Whether a year lies in the calendar's range (EARLIEST_YEAR to LATEST_YEAR), for pages' arguments too."""
    return EARLIEST_YEAR <= year <= LATEST_YEAR


def check_year(value: date) -> None:
    """Refuse dates far outside any agreement's life (and the range SQLite text sorts safely)."""
    if not year_in_range(value.year):
        raise ValidationError(f"Must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}.")


def list_items(values) -> list[str]:
    """The items of a list argument given as kind=a,b, as kind=a&kind=b or both: the one reader of list arguments."""
    if isinstance(values, str):
        values = [values]
    return [item.strip() for value in values for item in str(value).split(",") if item.strip()]


class CommaList(fields.Field):
    """A list query argument such as kind=a,b (or kind=a&kind=b); each item checked against `choices`."""

    is_multiple = True  # webargs hands over every repeated value, not only the first

    def __init__(self, choices, **kwargs):
        self.choices = tuple(choices)
        kwargs.setdefault("metadata", {}).update({
            "type": "string", "description": "Comma-separated (a,b) or repeated, any of: " + ", ".join(self.choices)})
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        items = list_items(value)
        unknown = [item for item in items if item not in self.choices]
        if unknown:
            raise ValidationError(f"Unknown value(s): {', '.join(unknown)}. Use any of: {', '.join(self.choices)}.")
        return items


OFFSET_MAX = 10_000_000  # the deepest page a list serves (schemas.events.plain_query reads it too)


class PageQuerySchema(Schema):
    """limit/offset paging shared by every list."""

    limit = fields.Integer(load_default=settings.list_limit_default,
                           validate=lambda value: validate.Range(min=1, max=settings.list_limit_max())(value),
                           # The document shows the shipped defaults; an instance may configure others.
                           metadata={"description": "Items per page (settings LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX)",
                                     "minimum": 1, "maximum": settings.DEFAULTS["LIST_LIMIT_MAX"],
                                     "default": settings.DEFAULTS["LIST_LIMIT_DEFAULT"]})
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=OFFSET_MAX))


class ListEnvelopeSchema(Schema):
    """{"items": [...], "total": N, "next": URL-or-null}"""

    total = fields.Integer(required=True)
    next = fields.String(allow_none=True, required=True, metadata={"description": "URL of the next page, or null"})
