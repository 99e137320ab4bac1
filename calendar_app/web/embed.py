"""Pages portals frame: an organization's or agreement's coming events (list or month), public events only.

Every other page refuses framing (security.add_headers); these say who may frame them with
`frame-ancestors` from EMBED_ALLOWED_ORIGINS (empty: any site). They never show internal events,
whoever is signed in: a framed page is read on someone else's site.
"""

from datetime import timedelta

from flask import render_template, request, url_for

from .. import links
from ..clock import utc_now
from ..db import get_db
from ..repositories import agreements, organizations
from .blueprint import bp
from .i18n import format_month
from .pages import COMING_DAYS, find_occurrences, month_arg, month_grid, shifted, today

COMING = 30
VIEWS = ("list", "month")


def _render(kind: str, slug: str, name: str, filters: dict, feed_path: str, page_url: str):
    view = request.args.get("view") if request.args.get("view") in VIEWS else "list"
    filters = {**filters, "include_internal": False}
    year, month = month_arg(today())
    weeks, problem = month_grid(year, month, filters) if view == "month" else ([], None)
    now = utc_now()
    coming, coming_problem = ([], None) if view == "month" else find_occurrences(
        filters, now, now + timedelta(days=COMING_DAYS), COMING)
    endpoint = f"web.embed_{kind}"
    return render_template(
        "embed.html", name=name, view=view, coming=coming, problem=problem or coming_problem,
        month_days=[cell for week in weeks for cell in week if cell["events"] and not cell["outside"]],
        month_title=format_month(year, month),
        view_urls={v: url_for(endpoint, slug=slug, view=v) for v in VIEWS},
        previous_url=url_for(endpoint, slug=slug, view="month", month=shifted(year, month, -1)),
        next_url=url_for(endpoint, slug=slug, view="month", month=shifted(year, month, 1)),
        feeds=links.feed_links(feed_path), page_url=links.absolute(page_url))


@bp.route("/embed/organizations/<slug>")
def embed_organization(slug):
    """An organization's coming public events, for a portal's iframe."""
    organization = organizations.get(get_db(), slug)
    return _render("organization", slug, organization["name"], {"organization": slug},
                   links.organization_feed_path(slug), url_for("web.organization_page", slug=slug))


@bp.route("/embed/agreements/<slug>")
def embed_agreement(slug):
    """An agreement's coming public events, for a portal's iframe."""
    agreement = agreements.get(get_db(), slug)
    return _render("agreement", slug, agreement["title"], {"agreement": slug},
                   links.agreement_feed_path(slug), url_for("web.agreement_page", slug=slug))


def iframe_snippet(kind: str, slug: str) -> str:
    """The <iframe> a portal pastes to show this calendar (escaped by the template that shows it)."""
    source = links.absolute(url_for(f"web.embed_{kind}", slug=slug))
    return (f'<iframe src="{source}" title="Lịch phối hợp" width="100%" height="600" '
            f'style="border:0" loading="lazy"></iframe>')
