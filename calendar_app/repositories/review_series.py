"""The recurring review meeting an agreement with review_every_months asks for."""

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

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
    return events.create(db, series_fields(agreement, slugs), actor)
