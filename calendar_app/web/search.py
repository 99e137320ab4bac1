"""GET /search?q=…: events (past and future, newest first, paged), agreements and organizations that match.

The API's own search (FTS5 over folded text, so case and diacritics do not matter), with the
pages' visibility rule: internal events only for a signed-in editor.
"""

from flask import current_app, render_template, request, url_for

from ..db import get_db
from ..repositories import agreements, occurrences, organizations
from ..repositories import search as search_index
from .blueprint import bp
from .pages import event_when, signed_in

SEARCH_PAGE_SIZE = 20
OTHERS_LIMIT = 50
QUERY_MAX = 200  # the API's q


def page_arg() -> int:
    """The 1-based page asked for with ?page=, anything unreadable being the first."""
    value = request.args.get("page", "")
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1


@bp.route("/search")
def search():
    """Search events, agreements and organizations at once."""
    q = " ".join((request.args.get("q") or "").split())[:QUERY_MAX]
    page = page_arg()
    found = {"events": [], "total": 0, "more": False, "agreements": [], "organizations": []}
    has_next = False
    if q:
        db = get_db()
        total_limit = current_app.config["SEARCH_TOTAL_LIMIT"]
        items, count = occurrences.list_events(
            db, {"q": q, "include_internal": signed_in(), "newest_first": True},
            SEARCH_PAGE_SIZE, (page - 1) * SEARCH_PAGE_SIZE, total_limit=total_limit)
        total, more = search_index.capped_total(count, total_limit)
        has_next = count > page * SEARCH_PAGE_SIZE  # the count goes one past the page when more match
        found = {
            "events": [{**e, "when": event_when(e)} for e in items], "total": total, "more": more,
            "agreements": agreements.list_agreements(db, {"q": q}, OTHERS_LIMIT, 0)[0],
            "organizations": organizations.list_organizations(db, q=q, limit=OTHERS_LIMIT)[0],
        }
    # Past the counted total the pages are not numbered: "Page 51", then "Older" while more match.
    pages = None if found["more"] else -(-found["total"] // SEARCH_PAGE_SIZE)
    return render_template(
        "search.html", q=q, page=page, pages=pages, **found,
        previous_url=url_for("web.search", q=q, page=page - 1) if page > 1 else None,
        next_url=url_for("web.search", q=q, page=page + 1) if has_next else None)
