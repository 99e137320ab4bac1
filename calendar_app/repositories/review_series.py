"""The recurring review meeting an agreement with review_every_months asks for."""

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from ..errors import NotFoundError
from ..eventtime import zone
from ..recurrence import normalize_rrule
from . import events

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
MEETING_START, MEETING_LENGTH = time(14, 0), timedelta(hours=2)


def series_fields(agreement: dict, organization_slugs: list[str], tz_name: str = DEFAULT_TIMEZONE) -> dict:
    """Event fields for 'a review meeting every N months over the term', first one N months in.

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
        until = datetime.combine(closing_day, time(23, 59, 59), tz)
        rrule += ";UNTIL=" + until.astimezone(zone("UTC")).strftime("%Y%m%dT%H%M%SZ")
    return {
        "title": f"Hội nghị giao ban {months} tháng — {agreement['title']}"[:300],
        "kind": "review_meeting", "agreement": agreement["slug"], "organizations": organization_slugs,
        "description": (f"Hội nghị giao ban đánh giá kết quả thực hiện, {months} tháng một lần. "
                        "Giờ và địa điểm cụ thể sẽ được thông báo; giờ ghi ở đây là dự kiến."),
        "location": None, "url": None, "status": "tentative", "visibility": "public", "all_day": False,
        "starts_at": first, "ends_at": first + MEETING_LENGTH, "timezone": tz_name,
        "start_date": None, "end_date": None, "rrule": normalize_rrule(rrule, first), "exdates": [],
    }


def create_series(db, agreement: dict, actor: str) -> dict:
    """Create the review series for an agreement's term, linked to it and its signing parties."""
    slugs = [p["organization"] for p in agreement["parties"] if p["role"] in ("signatory", "party")]
    created = events.create(db, series_fields(agreement, slugs), actor)
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
    fields = {**events.stored_to_fields(row),
              "agreement": current["agreement"], "organizations": current["organizations"]}
    planned = series_fields(agreement, current["organizations"], fields["timezone"])
    start = planned["starts_at"].replace(hour=fields["starts_at"].hour, minute=fields["starts_at"].minute,
                                         second=fields["starts_at"].second)
    rrule = normalize_rrule(planned["rrule"], start)
    if start == fields["starts_at"] and rrule == fields["rrule"]:
        return None
    length = fields["ends_at"] - fields["starts_at"]
    return events.update(db, event_id, {**fields, "starts_at": start, "ends_at": start + length, "rrule": rrule},
                         actor)
