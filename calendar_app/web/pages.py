"""The pages everyone reads: coming events with the month, one event, organizations and agreements."""

import calendar
import re
from datetime import date, datetime, timedelta

from flask import current_app, render_template, request, send_from_directory, url_for

from .. import links
from ..collation import sorted_vi
from ..clock import utc_now
from ..db import get_db
from ..errors import BadRequest, NotFoundError
from ..eventtime import day_start, zone
from ..repositories import agreements, events, occurrences, organizations, overrides
from ..schemas.common import year_in_range
from ..schemas.events import EVENT_KINDS
from ..settings import default_timezone
from .blueprint import bp, current_user
from .forms import repeat_values
from .i18n import format_day, format_month, format_span
from .i18n import gettext as _

MONTH_ARG = re.compile(r"^([0-9]{4})-([0-9]{2})$")
COMING_DAYS = 365
COMING_LIMIT = 20
MONTH_LIMIT = 2000
REPETITION_WORDS = {"weekly": ("Every week", "Every {n} weeks"), "monthly": ("Every month", "Every {n} months"),
                    "yearly": ("Every year", "Every {n} years"),
                    "lunar_yearly": ("Every year on the same lunar date", "Every year on the same lunar date")}


def signed_in() -> bool:
    """Whether internal events may be shown."""
    return current_user() is not None


def today() -> date:
    """Today in the calendar's home zone."""
    return utc_now().astimezone(zone(default_timezone())).date()


def home_span(start: datetime, end: datetime, tz_name: str) -> str:
    """A timed span in Vietnam time (the home zone); an event kept in another zone adds its own local time."""
    home = default_timezone()
    when = format_span(start.astimezone(zone(home)), end.astimezone(zone(home)))
    if tz_name == home:
        return when
    local = zone(tz_name)
    return when + " (" + _("local time {when}, {zone}", when=format_span(start.astimezone(local), end.astimezone(local)),
                           zone=tz_name) + ")"


def occurrence_view(item: dict) -> dict:
    """An occurrence with typed times, the days it covers in Vietnam time and its time in words."""
    if item["all_day"]:
        start, end = date.fromisoformat(item["start_date"]), date.fromisoformat(item["end_date"])
        first, last = start, end
        return {**item, "first_day": first, "last_day": last, "when": format_span(start, end),
                "home_start_time": None}
    start, end = datetime.fromisoformat(item["starts_at"]), datetime.fromisoformat(item["ends_at"])
    home = zone(default_timezone())
    first = start.astimezone(home).date()
    last = max(first, (end.astimezone(home) - timedelta(microseconds=1)).date())
    return {**item, "first_day": first, "last_day": last, "when": home_span(start, end, item["timezone"]),
            "home_start_time": start.astimezone(home).strftime("%H:%M")}


def find_occurrences(filters: dict, start: datetime, end: datetime, limit: int) -> tuple[list[dict], str | None]:
    """Occurrences in [start, end) by start, or none and a message when the window holds too many."""
    # filters may narrow include_internal (the embedded pages show public events only), never widen it.
    query = {"include_internal": signed_in() and filters.get("include_internal", True),
             **{k: v for k, v in filters.items() if k != "include_internal"}, "from": start, "to": end}
    try:
        items, _total = occurrences.list_occurrences(get_db(), query, limit, 0,
                                                     current_app.config["OCCURRENCE_MAX_RESULTS"])
    except BadRequest:
        return [], _("Too many events to show at once; choose an organization, agreement or kind.")
    return [occurrence_view(item) for item in items], None


def describe_repetition(rrule: str | None, tz_name: str) -> str | None:
    """'Every 6 months until 05/03/2025' in the interface language."""
    if not rrule:
        return None
    values = repeat_values(rrule, tz_name)
    if values["repeat"] == "custom":
        return _("Repeats by the rule {rule}", rule=rrule)
    n = int(values["interval"])
    words = REPETITION_WORDS[values["repeat"]]
    text = _(words[0]) if n == 1 else _(words[1], n=n)
    if values["until"]:
        text += " " + _("until {day}", day=format_day(date.fromisoformat(values["until"])))
    return text


def filter_args(args=None) -> tuple[dict, dict]:
    """The list filters chosen on the home page (or in `args`): (for the repository, for links and the form)."""
    args = request.args if args is None else args
    chosen = {key: (args.get(key) or "").strip() for key in ("organization", "agreement", "kind")}
    if chosen["kind"] not in EVENT_KINDS:
        chosen["kind"] = ""
    filters = {"organization": chosen["organization"] or None, "agreement": chosen["agreement"] or None,
               "kind": [chosen["kind"]] if chosen["kind"] else None}
    return filters, {k: v for k, v in chosen.items() if v}


def month_arg(default: date) -> tuple[int, int]:
    """The month asked for with ?month=YYYY-MM (or the jump form's ?year=&mon=), or this month."""
    jump = request.args.get("year", ""), request.args.get("mon", "")
    if all(v.isdigit() for v in jump) and year_in_range(int(jump[0])) and 1 <= int(jump[1]) <= 12:
        return int(jump[0]), int(jump[1])
    match = MONTH_ARG.match(request.args.get("month", ""))
    if match and year_in_range(int(match[1])) and 1 <= int(match[2]) <= 12:
        return int(match[1]), int(match[2])
    return default.year, default.month


def month_grid(year: int, month: int, filters: dict) -> tuple[list[list[dict]], str | None]:
    """Weeks (Monday first) of day cells, each with the occurrences that touch that day."""
    first = date(year, month, 1)
    grid_start = first - timedelta(days=first.weekday())
    last = date(year, month, calendar.monthrange(year, month)[1])
    grid_end = last + timedelta(days=7 - last.weekday())  # exclusive
    home = default_timezone()
    # A day's margin each side: events kept in other zones may fall on a grid day locally.
    items, problem = find_occurrences(filters, day_start(grid_start - timedelta(days=1), home),
                                      day_start(grid_end + timedelta(days=1), home), MONTH_LIMIT)
    by_day = {grid_start + timedelta(days=n): [] for n in range((grid_end - grid_start).days)}
    for item in items:
        day = max(item["first_day"], grid_start)
        while day <= item["last_day"] and day < grid_end:
            by_day[day].append(item)
            day += timedelta(days=1)
    now = today()
    cells = [{"day": day, "events": found, "outside": day.month != month, "today": day == now}
             for day, found in by_day.items()]
    return [cells[i:i + 7] for i in range(0, len(cells), 7)], problem


def shifted(year: int, month: int, step: int) -> str:
    index = year * 12 + month - 1 + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@bp.route("/favicon.ico")
def favicon():
    """The site icon for pages that do not name one (browsers ask for /favicon.ico)."""
    return send_from_directory(bp.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


@bp.route("/")
def home():
    """Coming events and the month view, filtered by organization, agreement and kind."""
    from . import month as chips  # it builds on this module's grid
    db = get_db()
    filters, chosen = filter_args()
    now = utc_now()
    coming, coming_problem = find_occurrences(filters, now, now + timedelta(days=COMING_DAYS), COMING_LIMIT)
    year, month = month_arg(today())
    weeks, problem = month_grid(year, month, filters)
    moved_to = None
    if not request.args.get("month") and not request.args.get("year") and coming \
            and not any(o for week in weeks for cell in week for o in cell["events"] if cell["day"] >= today()):
        # Nothing ahead this month: open on the month of the next event, and say so.
        year, month = coming[0]["first_day"].year, coming[0]["first_day"].month
        weeks, problem = month_grid(year, month, filters)
        moved_to = format_month(year, month)
    day = chips.day_arg(request.args.get("day"))
    day_events = [o for week in weeks for cell in week if cell["day"] == day for o in cell["events"]] if day else []
    return render_template(
        "home.html", weeks=chips.with_chips(weeks), coming=coming, problem=problem or coming_problem,
        moved_to=moved_to, day=day, day_events=day_events, year=year, month=month, today=today(),
        month_title=format_month(year, month), month_value=f"{year:04d}-{month:02d}",
        previous_url=url_for("web.home", month=shifted(year, month, -1), **chosen),
        next_url=url_for("web.home", month=shifted(year, month, 1), **chosen),
        this_month_url=url_for("web.home", **chosen), chosen=chosen,
        organizations=organizations.list_organizations(db, limit=500)[0],
        agreements=sorted_vi(agreements.list_agreements(db, {}, 500, 0)[0], key=lambda a: a["title"]))


def visible_event(event_id: int) -> dict:
    """One event; internal ones do not exist for visitors who are not signed in."""
    event = events.get(get_db(), event_id)
    if event["visibility"] != "public" and not signed_in():
        raise NotFoundError(f"No event with id {event_id}.")
    return event


def event_when(event: dict) -> str:
    """The first occurrence's time in words, in the event's own zone."""
    if event["all_day"]:
        return format_span(date.fromisoformat(event["start_date"]), date.fromisoformat(event["end_date"]))
    return home_span(datetime.fromisoformat(event["starts_at"]), datetime.fromisoformat(event["ends_at"]),
                     event["timezone"])


def next_occurrences(event_id: int, count: int) -> list[dict]:
    """The next few occurrences of a series, moved and cancelled ones shown as such."""
    now = utc_now()
    found, _problem = find_occurrences({"event_id": event_id}, now, now + timedelta(days=2 * COMING_DAYS), count)
    return found


@bp.route("/events/<int:event_id>")
def event_page(event_id):
    """One event with its agreement, organizations, time in its zone and an .ics link."""
    db = get_db()
    event = visible_event(event_id)
    agreement = agreements.get(db, event["agreement"]) if event["agreement"] else None
    members = sorted_vi((organizations.get(db, slug) for slug in event["organizations"]), key=lambda o: o["name"])
    upcoming = next_occurrences(event_id, 10) if event["rrule"] else []
    unreadable = [o["recurrence_id"] for o in overrides.list_for_event(db, event_id) if "problem" in o] \
        if event["rrule"] else []
    return render_template("event.html", event=event, agreement=agreement, members=members, unreadable=unreadable,
                           when=event_when(event), repetition=describe_repetition(event["rrule"], event["timezone"]),
                           upcoming=upcoming, ics_url=links.event_ics_path(event_id),
                           default_timezone=default_timezone())


@bp.route("/organizations")
def organization_list():
    """Every organization, with a link to its page and feed."""
    items, _total = organizations.list_organizations(get_db(), limit=500)
    return render_template("organizations.html", organizations=items)


@bp.route("/organizations/<slug>")
def organization_page(slug):
    """An organization's agreements, coming events and subscribe links (private ones for editors)."""
    db = get_db()
    organization = organizations.get(db, slug)
    parent = organizations.get(db, organization["parent"]) if organization["parent"] else None
    signed, _total = agreements.list_agreements(db, {"organization": slug}, 200, 0)
    from . import related  # it builds on this module's helpers
    now = utc_now()
    with_sub_units = request.args.get("include") == "children"
    coming, problem = find_occurrences({"organization": slug, "with_sub_units": with_sub_units}, now,
                                       now + timedelta(days=COMING_DAYS), COMING_LIMIT)
    private = None
    if signed_in():
        token = organizations.get_row(db, slug)["feed_token"]
        private = links.feed_links(links.organization_feed_path(slug) + "?token=" + token)
    return render_template("organization.html", organization=organization, parent=parent, agreements=signed,
                           coming=coming, problem=problem, feeds=links.feed_links(links.organization_feed_path(slug)),
                           private=private, sub_units=related.sub_units(slug), with_sub_units=with_sub_units,
                           past=related.past_events({"organization": slug, "with_sub_units": with_sub_units},
                                                    "web.organization_page", slug=slug))


@bp.route("/agreements")
def agreement_list():
    """Every agreement, newest first."""
    items, _total = agreements.list_agreements(get_db(), {}, 500, 0)
    return render_template("agreements.html", agreements=items)


@bp.route("/agreements/<slug>")
def agreement_page(slug):
    """An agreement's parties, signatories and witnesses, term, timeline of events and feed links."""
    db = get_db()
    agreement = agreements.get(db, slug)
    parent = agreements.get(db, agreement["parent"]) if agreement["parent"] else None
    items, _total = occurrences.list_events(db, {"agreement": slug, "include_internal": signed_in()}, 500, 0)
    timeline = [{**e, "when": event_when(e), "repetition": describe_repetition(e["rrule"], e["timezone"])}
                for e in items]
    from . import related  # it builds on this module's helpers
    return render_template("agreement.html", agreement=agreement, parent=parent, timeline=timeline,
                           term_state=related.term_state(agreement, today()), child_plans=related.child_plans(slug),
                           signing=[p for p in agreement["parties"] if p["role"] != "witness"],
                           witnesses=[p for p in agreement["parties"] if p["role"] == "witness"],
                           feeds=links.feed_links(links.agreement_feed_path(slug)))
