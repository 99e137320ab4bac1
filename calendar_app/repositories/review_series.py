"""The recurring review meeting an agreement with review_every_months asks for."""

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from marshmallow import ValidationError

from ..errors import NotFoundError, ValidationFailed
from ..eventtime import zone
from ..schemas.common import EARLIEST_YEAR, LATEST_YEAR
from ..schemas.events import EventInSchema
from . import events

MEETING_START, MEETING_LENGTH = time(14, 0), timedelta(hours=2)
INPUT_FIELDS = tuple(EventInSchema().fields)


def _first_meeting(agreement: dict, tz_name: str) -> tuple[datetime, str]:
    """The first meeting (at the default hour) and the RRULE, 'a review meeting every N months over the term'.

    Each meeting reviews the N months before it, so the last one falls when the term closes:
    for a term valid_from 2020-03-05, valid_until 2025-03-04 (its last day), that is
    2025-03-05, one day after valid_until. UNTIL therefore ends with the day after
    valid_until, and a 5-year term with 6-monthly reviews has 10 meetings, not 9.
    """
    months = agreement["review_every_months"]
    valid_from = date.fromisoformat(str(agreement["valid_from"]))
    tz = zone(tz_name)
    first_day = valid_from + relativedelta(months=months)
    # RRULE skips months without the start's day (a 3-monthly series from 31 May has no 31 Nov):
    # start no later than the 28th so that every period gets its meeting; the day is tentative anyway.
    first = datetime.combine(first_day.replace(day=min(first_day.day, 28)), MEETING_START, tz)
    rrule = f"FREQ=MONTHLY;INTERVAL={months}"
    if agreement.get("valid_until"):
        closing_day = date.fromisoformat(str(agreement["valid_until"])) + timedelta(days=1)
        if first.date() > closing_day:
            raise ValidationFailed({"review_every_months": [
                f"The first review meeting, on {first.date()}, would fall after the term ends "
                f"({agreement['valid_until']}): give a shorter interval or a longer term."]})
        until = datetime.combine(closing_day, time(23, 59, 59), tz)
        rrule += ";UNTIL=" + until.astimezone(zone("UTC")).strftime("%Y%m%dT%H%M%SZ")
    return first, rrule


def _as_event(payload: dict) -> dict:
    """Load the series through the event schema, so that it meets the rules and bounds of any event (422)."""
    try:
        return EventInSchema().load(payload)
    except ValidationError as error:
        if {"starts_at", "ends_at"} & error.messages_dict.keys():
            message = (f"The review meetings must fall between the years {EARLIEST_YEAR} and {LATEST_YEAR}; "
                       f"the first would be on {payload['starts_at'][:10]}.")
        else:
            message = "The review-meeting series would not be a valid event: " + "; ".join(
                f"{key}: {' '.join(map(str, value)) if isinstance(value, list) else value}"
                for key, value in error.messages_dict.items())
        raise ValidationFailed({"review_every_months": [message]}) from error


def series_fields(agreement: dict, organization_slugs: list[str], tz_name: str) -> dict:
    """Event fields of the agreement's review series, checked as the events API checks a new event."""
    months = agreement["review_every_months"]
    first, rrule = _first_meeting(agreement, tz_name)
    return _as_event({
        "title": f"Hội nghị giao ban {months} tháng — {agreement['title']}"[:300],
        "kind": "review_meeting", "agreement": agreement["slug"], "organizations": organization_slugs,
        "description": (f"Hội nghị giao ban đánh giá kết quả thực hiện, {months} tháng một lần. "
                        "Giờ và địa điểm cụ thể sẽ được thông báo; giờ ghi ở đây là dự kiến."),
        "status": "tentative", "visibility": "public", "all_day": False,
        "starts_at": first.isoformat(), "ends_at": (first + MEETING_LENGTH).isoformat(), "timezone": tz_name,
        "rrule": rrule, "exdates": [],
    })


def create_series(db, agreement: dict, actor: str, tz_name: str) -> dict:
    """Create the review series for an agreement's term in a zone, linked to it and its signing parties."""
    slugs = [p["organization"] for p in agreement["parties"] if p["role"] in ("signatory", "party")]
    created = events.create(db, series_fields(agreement, slugs, tz_name), actor)
    db.execute("update agreements set review_series_event_id = ? where id = ?", [created["id"], agreement["id"]])
    return created


def follow_term(db, agreement: dict, actor: str) -> dict | None:
    """Move the agreement's review series to a changed term or interval; None when nothing moved.

    What staff set on the series (title, place, time of day, length, skipped dates) is kept; only
    the first meeting's day, the interval and the end follow the agreement.
    """
    event_id = db.execute("select review_series_event_id from agreements where id = ?",
                          [agreement["id"]]).fetchone()[0]
    if event_id is None or not agreement.get("review_every_months") or not agreement.get("valid_from"):
        return None
    try:
        row = events.get_row(db, event_id)
    except NotFoundError:
        return None  # the series was deleted: nothing to follow
    current = events.represent_rows(db, [row])[0]
    if current["all_day"]:
        return None  # staff made it an all-day series: there is no meeting time to keep
    stored_start = datetime.fromisoformat(current["starts_at"])
    first, rrule = _first_meeting(agreement, current["timezone"])
    start = first.replace(hour=stored_start.hour, minute=stored_start.minute, second=stored_start.second)
    length = datetime.fromisoformat(current["ends_at"]) - stored_start
    # What staff set on the series (title, place, time of day, length, skipped dates) is kept and
    # checked again with the new days, as a PATCH of the event would be.
    fields = _as_event({**{k: current[k] for k in INPUT_FIELDS if k in current},
                        "starts_at": start.isoformat(), "ends_at": (start + length).isoformat(), "rrule": rrule})
    if fields["starts_at"] == stored_start and fields["rrule"] == row["rrule"]:
        return None
    return events.update(db, event_id, fields, actor)
