"""What an organization or agreement page shows around its own events: sub-units, child plans, past events, the term.

Every list goes through the repositories the API uses, with the pages' visibility rule.
"""

from datetime import date

from flask import request, url_for

from ..clock import utc_now
from ..db import get_db
from ..repositories import agreements, occurrences, organizations
from .pages import event_when, signed_in

PAST_PAGE_SIZE = 20
SUB_UNITS_LIMIT = 500


def page_number(name: str) -> int:
    """A 1-based page number from the query string; anything unreadable is the first page."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1


def past_events(filters: dict, endpoint: str, **view_args) -> dict:
    """Events that have already begun ("Đã diễn ra"), newest first, a page at a time (?past=N)."""
    page = page_number("past")
    items, total = occurrences.list_events(
        get_db(), {**filters, "to": utc_now(), "newest_first": True,
                   "include_internal": signed_in()}, PAST_PAGE_SIZE, (page - 1) * PAST_PAGE_SIZE)
    pages = -(-total // PAST_PAGE_SIZE)
    args = {k: v for k, v in request.args.items() if k != "past"}

    def link(number):
        return url_for(endpoint, **view_args, **args, past=number, _anchor="past-title")

    return {"events": [{**e, "when": event_when(e)} for e in items], "total": total, "page": page, "pages": pages,
            "previous_url": link(page - 1) if page > 1 else None, "next_url": link(page + 1) if page < pages else None}


def sub_units(slug: str) -> list[dict]:
    """The organizations directly under this one, in Vietnamese order."""
    return organizations.list_organizations(get_db(), parent=slug, limit=SUB_UNITS_LIMIT)[0]


def term_state(agreement: dict, day: date) -> str | None:
    """'in_force', 'expired' or 'not_yet' from the agreement's term on that day; None when no term is stated."""
    starts, ends = agreement.get("valid_from"), agreement.get("valid_until")
    if not starts and not ends:
        return None
    if starts and day < date.fromisoformat(starts):
        return "not_yet"
    if ends and day > date.fromisoformat(ends):
        return "expired"
    return "in_force"


def child_plans(slug: str) -> list[dict]:
    """The agreements under this one, each with its events (internal ones for editors only)."""
    db = get_db()
    found = []
    for child in agreements.children(db, slug):
        items, _total = occurrences.list_events(db, {"agreement": child["slug"], "include_internal": signed_in()},
                                                200, 0)
        found.append({**child, "events": [{**e, "when": event_when(e)} for e in items]})
    return found
