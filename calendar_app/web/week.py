"""The weekly work schedule: /week, its print view and its Word, Excel and PDF exports, with the month view's filters."""

import re
from datetime import date, timedelta

from flask import current_app, g, render_template, request, url_for

from .. import week_schedule
from ..db import get_db
from ..errors import BadRequest, NotFoundError, ServiceUnavailable
from ..eventtime import day_start, zone
from ..exports import week as week_export
from ..repositories import agreements, events, feed_versions, occurrence_index, organizations
from ..schemas.common import year_in_range
from ..settings import default_timezone
from . import days
from .blueprint import bp
from . import followup  # a module import: followup imports this module too
from .i18n import format_date
from .i18n import gettext as _
from .labels import label
from .pages import filter_args, find_occurrences, signed_in, today

START_ARG = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
WEEK_LIMIT = 2000
PART_WORDS = {"morning": "Morning", "afternoon": "Afternoon", "evening": "Evening"}


class Words:
    """The schedule's words in the interface language (week_schedule.build asks for them).

    due: the week's open obligation periods (web.followup.obligations_due), named in the day notes.
    """

    day_label = staticmethod(format_date)

    def __init__(self, due: list[dict] = ()):
        self.due = due

    def day_note(self, day: date) -> str | None:
        """The day's lunar date, holidays and obligations due, for the exports (pages show them their own way)."""
        facts = days.day_facts(day)
        parts = [facts.lunar.full] if facts.lunar else []
        parts += [row["name"] for row in facts.days_off]
        if facts.working_day:
            parts.append(facts.working_day["name"])
        parts += [_("Due: {title}, period {n} ({agreement})", title=item["title"], n=item["period"]["n"],
                    agreement=item["agreement_title"])
                  for item in self.due if item["period"]["due_on"] == day.isoformat()]
        return "; ".join(parts) or None

    @staticmethod
    def part_label(key: str) -> str:
        return _(PART_WORDS[key])

    @staticmethod
    def status_text(code: str) -> str:
        return label("status", code)

    @staticmethod
    def all_day() -> str:
        return _("All day")

    @staticmethod
    def continued() -> str:
        return _("(continued)")


def week_start() -> date:
    """The Monday of the week holding ?start=YYYY-MM-DD, or of this week; a 400 page for anything else."""
    value = request.args.get("start")
    if value is None or value == "":
        return week_schedule.monday_of(today())
    try:
        day = date.fromisoformat(value) if START_ARG.match(value) else None
    except ValueError:
        day = None
    if day is None or not year_in_range(day.year):
        raise BadRequest(_("“{value}” is not a date: write the day as YYYY-MM-DD, for example 2027-03-08.",
                           value=value[:40]))
    return week_schedule.monday_of(day)


def load_week(monday: date, args=None) -> tuple[week_schedule.Week, dict, str | None, list[dict]]:
    """The week's schedule with the chosen filters (the request's, or `args`), the filters for links, a problem
    to show, and the obligations due that week (named in the exports' day notes, listed under the page's table)."""
    filters, chosen = filter_args(args)
    home = default_timezone()
    items, problem = find_occurrences(filters, day_start(monday, home), day_start(monday + timedelta(days=7), home),
                                      WEEK_LIMIT)
    fields = events.schedule_fields(get_db(), {item["event_id"] for item in items})
    due = followup.obligations_due(monday, chosen.get("organization"))
    return week_schedule.build(monday, items, fields, zone(home), Words(due)), chosen, problem, due


def week_texts(week: week_schedule.Week) -> dict:
    """The title, the dates line and the page title of a week, in the interface language."""
    first, last = f"{week.monday:%d/%m/%Y}", f"{week.sunday:%d/%m/%Y}"
    return {"title": _("Weekly work schedule, week {number}", number=week.number),
            "span": _("From {first} to {last}", first=first, last=last),
            "page_title": _("Weekly schedule, week {number} ({first} – {last})", number=week.number, first=first,
                            last=last)}


@bp.route("/week")
def week_page():
    """The week's schedule: Monday to Sunday, morning, afternoon and evening, with the month view's filters."""
    monday = week_start()
    week, chosen, problem, due = load_week(monday)
    db = get_db()

    def week_url(endpoint: str, day: date | None) -> str:
        return url_for(endpoint, **({"start": day.isoformat()} if day else {}), **chosen)

    return render_template(
        "week.html", week=week, chosen=chosen, problem=problem, due=due, texts=week_texts(week), today=today(),
        previous_url=week_url("web.week_page", monday - timedelta(days=7)),
        next_url=week_url("web.week_page", monday + timedelta(days=7)),
        this_week_url=week_url("web.week_page", None), this_week=monday == week_schedule.monday_of(today()),
        print_url=week_url("web.week_print", monday),
        exports={kind: week_url(f"web.week_{kind}", monday) for kind in week_export.KINDS},
        filter_action=url_for("web.week_page"), filter_hidden={"start": monday.isoformat()},
        organizations=organizations.list_organizations(db, limit=500)[0],
        agreements=agreements.list_agreements(db, {}, 500, 0)[0])


def print_html(week: week_schedule.Week, for_pdf: bool, who: dict | None = None) -> str:
    """The print view's HTML: the PDF export renders this same page."""
    return render_template("week_print.html", week=week, texts=week_texts(week), issuer=who or issuer(), today=None,
                           for_pdf=for_pdf, print_css=week_export.PRINT_CSS.name)


@bp.route("/week/print")
def week_print():
    """The week's schedule alone on an A4 landscape page, for the browser's Print."""
    week, _chosen, problem, _due = load_week(week_start())
    if problem:
        raise BadRequest(problem)
    return print_html(week, for_pdf=False), 200, private_headers()


def issuer(slug: str | None = None) -> dict:
    """The issuing body of an exported schedule: the chosen organization (and its parent), or the setting."""
    slug = (request.args.get("organization") or "").strip() if slug is None else slug
    if slug:
        db = get_db()
        organization = organizations.get(db, slug)
        parent = organizations.get(db, organization["parent"]) if organization.get("parent") else None
        return {"name": organization["name"], "parent": parent["name"] if parent else None}
    return {"name": current_app.config["DOCUMENT_ISSUING_BODY"], "parent": None}


def private_headers() -> dict:
    """What a signed-in reader gets may hold internal items: no shared cache may keep it."""
    return {"Cache-Control": "private, no-store"} if signed_in() else {}


def export(kind: str, monday: date | None = None, organization: str | None = None):
    """One export of the week with the page's filters, or of `monday`'s week and `organization` (a published
    path); internal items only for a signed-in editor."""
    g.language = "vi"  # an administrative document is in Vietnamese, whatever language the page is read in
    args = None if monday is None else ({"organization": organization} if organization else {})
    monday = monday or week_start()
    week, _chosen, problem, _due = load_week(monday, args)
    if problem:
        raise BadRequest(problem)
    who = issuer(organization if args is not None else None)
    if kind == "pdf":
        try:
            body = week_export.pdf(print_html(week, for_pdf=True, who=who))
        except (OSError, ImportError) as error:  # WeasyPrint loads Pango from the system when first imported
            current_app.logger.error("week.pdf unavailable: %s", error)
            raise ServiceUnavailable(_("The PDF export needs the Pango libraries on the server; the Word and "
                                       "Excel exports work.")) from error
    else:
        body = week_export.BUILDERS[kind](week, who, current_app.config, today())
    headers = {"Content-Disposition": f'attachment; filename="{week_export.filename(week, kind)}"',
               **private_headers()}
    return current_app.response_class(body, mimetype=week_export.MEDIA_TYPES[kind], headers=headers)


@bp.route("/week.docx")
def week_docx():
    """The week's schedule as an administrative Word document (A4 landscape)."""
    return export("docx")


@bp.route("/week.xlsx")
def week_xlsx():
    """The week's schedule as an Excel workbook."""
    return export("xlsx")


@bp.route("/week.pdf")
def week_pdf():
    """The week's schedule as a PDF of the print view."""
    return export("pdf")


# --- the published copies: /week/2026-W49.pdf, /week/2026-W49/<slug>.pdf -------------------------
# Stable paths a noticeboard can link; publish-feeds writes these files for nginx, and the app
# answers the same path with the same bytes. Always the public schedule, whoever asks: a published
# file is read by anyone.

ISO_WEEK = re.compile(r"^([0-9]{4})-W([0-9]{2})$")


def iso_week_path(monday: date, kind: str, organization: str | None = None) -> str:
    """/week/2026-W49.pdf (the whole calendar) or /week/2026-W49/<slug>.pdf (one organization's filter)."""
    year, number, _day = monday.isocalendar()
    name = f"{year}-W{number:02d}"
    return f"/week/{name}/{organization}.{kind}" if organization else f"/week/{name}.{kind}"


def _iso_monday(name: str) -> date:
    """The Monday of ISO week '2026-W49'; 404 for any other name (2026-W54 included) and outside the
    calendar's years (9999-W52 would run past the last date Python can hold)."""
    found = ISO_WEEK.match(name)
    if found and year_in_range(int(found[1])):
        try:
            return date.fromisocalendar(int(found[1]), int(found[2]), 1)
        except ValueError:
            pass
    raise NotFoundError(_("No such week."))


def published_export(kind: str, name: str, organization: str | None = None):
    """A week's export as published: the public schedule, as an anonymous reader gets it from /week.<kind>."""
    if kind not in week_export.KINDS:
        raise NotFoundError(_("No such week."))
    monday = _iso_monday(name)
    if organization is not None:
        organizations.get(get_db(), organization)  # 404 for an unknown slug, before any work
    g.web_user = None  # read as nobody: the same bytes for everyone, as the published file
    return export(kind, monday, organization)


def published_signature(monday: date, organization: str | None) -> tuple:
    """What the published exports of the week show, summarised without building them (publish-feeds compares
    these; a Word document also shows the date it is issued on).

    The public events of the week (occurrence_index.fingerprint), the holidays, the open obligations due
    and the issuing body.
    """
    db = get_db()
    filters, _chosen = filter_args({"organization": organization} if organization else {})
    home = default_timezone()
    where, params = events.filter_clauses(db, {**filters, "include_internal": False})
    found = occurrence_index.fingerprint(db, where, params, day_start(monday, home),
                                         day_start(monday + timedelta(days=7), home))
    due = [(item["title"], item["period"]["n"], item["period"]["due_on"], item["agreement_title"])
           for item in followup.obligations_due(monday, organization, internal=False)]
    holidays = feed_versions.stamp(db, feed_versions.public(feed_versions.HOLIDAYS)).version
    return monday, found, holidays, due, issuer(organization or "")


@bp.route("/week/<name>.<kind>")
def week_published(name: str, kind: str):
    """The whole calendar's schedule of an ISO week (2026-W49) as Word, Excel or PDF, at a stable address."""
    return published_export(kind, name)


@bp.route("/week/<name>/<slug>.<kind>")
def week_published_organization(name: str, slug: str, kind: str):
    """One organization's schedule of an ISO week as Word, Excel or PDF, at a stable address."""
    return published_export(kind, name, slug)
