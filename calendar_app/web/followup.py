"""Following agreements on the pages: the agreement's follow-up table, "Ghi kết quả" on an event, /follow-up.

The agreement and event pages include this module's templates (_follow_up.html,
_record_outcome.html) and read their data through the template globals below, so the pages'
own views stay as they are.
"""

from datetime import date, timedelta

from flask import current_app, flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from ..db import get_db, write_transaction
from ..errors import ApiError, NotFoundError
from ..exports import follow_up as follow_up_export
from ..followup.periods import STATES
from ..followup.today import follow_up, follow_up_today
from ..repositories import obligations, organizations
from ..schemas.obligations import RecordInSchema
from . import week
from .blueprint import actor, bp, current_user, editor_required
from .i18n import gettext as _

KIND_WORDS = {
    "review_meeting": ("Review meeting", "{done}/{total} review meetings held"),
    "results_report": ("Results report", "{done}/{total} results reports sent"),
    "yearly_plan": ("Yearly plan", "{done}/{total} yearly plans signed"),
    "final_review": ("Final review", "{done}/{total} final review held"),
    "other": ("Other obligation", "{done}/{total} periods fulfilled"),
}
STATE_WORDS = {"upcoming": "Upcoming", "due": "Due", "fulfilled": "Fulfilled", "overdue": "Overdue",
               "waived": "Waived"}


def _internal() -> bool:
    """Pages show internal obligations to signed-in editors only (as they do internal events)."""
    return current_user() is not None


@bp.app_template_global()
def obligation_kind(kind: str) -> str:
    """The translated name of an obligation kind."""
    return _(KIND_WORDS.get(kind, KIND_WORDS["other"])[0])


@bp.app_template_global()
def period_state(state: str) -> str:
    """The translated name of a period state."""
    return _(STATE_WORDS.get(state, state))


def progress_line(obligation: dict) -> str:
    """'6/10 kỳ giao ban đã tổ chức; 1 quá hạn' (an open-ended term counts the periods due so far and the next)."""
    counts = obligation["progress"]
    total = counts["total"] if counts["total"] is not None else len(obligation["periods"])
    text = _(KIND_WORDS.get(obligation["kind"], KIND_WORDS["other"])[1], done=counts["fulfilled"], total=total)
    if counts["overdue"]:
        text += "; " + _("{n} overdue", n=counts["overdue"])
    if counts["waived"]:
        text += "; " + _("{n} waived", n=counts["waived"])
    return text


@bp.app_template_global()
def follow_up_of(slug: str) -> list[dict]:
    """The obligations of an agreement for its page, each with its progress line."""
    found = obligations.list_for_agreement(get_db(), slug, follow_up_today(), _internal())
    return [{**o, "progress_line": progress_line(o)} for o in found]


@bp.app_template_global()
def outcome_choices(event: dict, occurrence: str | None = None) -> dict | None:
    """What "Ghi kết quả" offers on an event's page: the open periods of its agreement, the likeliest chosen.

    The likeliest is the open period due nearest the occurrence (or today): a review held a few
    days late still belongs to the period it reviews.
    """
    if current_user() is None or not event.get("agreement"):
        return None
    found = obligations.list_for_agreement(get_db(), event["agreement"], follow_up_today(), True)
    options = [{"value": f"{o['id']}:{p['n']}", "label": f"{o['title']} — " + _("period {n}", n=p["n"])
                + f" ({date.fromisoformat(p['due_on']):%d/%m/%Y}, {period_state(p['state'])})", "due_on": p["due_on"]}
               for o in found for p in o["periods"] if p["state"] in ("due", "overdue", "upcoming")]
    if not options:
        return None
    around = _day_of(occurrence) or follow_up_today()
    chosen = min(options, key=lambda option: abs((date.fromisoformat(option["due_on"]) - around).days))
    return {"options": options, "chosen": chosen["value"], "occurrence": occurrence if _day_of(occurrence) else None,
            "held_on": around.isoformat() if _day_of(occurrence) else ""}


def obligations_due(monday: date, organization: str | None = None, internal: bool | None = None) -> list[dict]:
    """The open obligation periods due Monday to Sunday (of an organization and its sub-units), for the week;
    internal ones for a signed-in editor (or as `internal` says)."""
    db = get_db()
    found = db.execute("select id from organizations where slug = ?", [organization]).fetchone() if organization else None
    ids = (found[0],) if found else None
    internal = _internal() if internal is None else internal
    return obligations.due_between(db, ids, monday, monday + timedelta(days=6), follow_up_today(), internal)


def _day_of(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


@bp.route("/events/<int:event_id>/outcome", methods=["POST"])
@editor_required
def record_outcome(event_id):
    """Record the outcome of an occurrence as the fulfilment of an obligation's period (Ghi kết quả)."""
    db = get_db()
    event = db.execute("select a.slug from events e join agreements a on a.id = e.agreement_id where e.id = ?",
                       [event_id]).fetchone()
    obligation_id, _sep, n = (request.form.get("period") or "").partition(":")
    payload = {"event": event_id, **{k: request.form.get(k) or None
                                     for k in ("occurrence", "outcome", "document_url", "held_on")}}
    try:
        if event is None or not obligation_id.isdigit() or not n.isdigit():
            raise ValidationError({"period": [_("Choose the period this occurrence fulfils.")]})
        data = RecordInSchema().load(payload)
        with write_transaction(db):
            obligations.record_period(db, event[0], int(obligation_id), int(n), data, actor(), follow_up_today())
    except ValidationError as error:
        return _refused(event_id, error.messages)
    except ApiError as error:
        return _refused(event_id, error.errors or {"period": [error.message]})
    flash(_("The outcome was recorded."))
    return redirect(url_for("web.agreement_page", slug=event[0]) + "#follow-up-title")


def _refused(event_id: int, errors: dict):
    for field, messages in errors.items():
        for message in messages if isinstance(messages, list) else [messages]:
            flash(_("The outcome was not recorded: {detail}", detail=f"{field}: {message}"))
    return redirect(url_for("web.event_page", event_id=event_id))


@bp.route("/follow-up")
def follow_up_page():
    """What is due or overdue for an organization and its sub-units, and terms ending soon or ended unrenewed."""
    db = get_db()
    chosen = (request.args.get("organization") or "").strip()
    states = [s for s in request.args.getlist("state") if s in STATES] or ["due", "overdue"]
    all_organizations = organizations.list_organizations(db, limit=500)[0]
    if chosen not in {o["slug"] for o in all_organizations}:
        chosen = ""
    view = follow_up(db, chosen or None, states, _internal())
    return render_template("follow_up.html", view=view, chosen=chosen, states=states, all_states=STATES,
                           organizations=all_organizations)


def _report(obligations_found: list[dict], about: str, ext: str, filename: str):
    """A follow-up report file (Vietnamese, as every administrative document) of these obligations."""
    if ext not in follow_up_export.KINDS:
        raise NotFoundError("No such report format.")
    g.language = "vi"
    body = follow_up_export.BUILDERS[ext](follow_up_export.rows_of(obligations_found), about, week.issuer(),
                                          current_app.config, follow_up_today())
    headers = {"Content-Disposition": f'attachment; filename="{filename}.{ext}"', **week.private_headers()}
    return current_app.response_class(body, mimetype=follow_up_export.MEDIA_TYPES[ext], headers=headers)


@bp.route("/agreements/<slug>/follow-up.<ext>")
def follow_up_export_agreement(slug, ext):
    """The agreement's follow-up table as a report (.xlsx or .docx)."""
    found = obligations.list_for_agreement(get_db(), slug, follow_up_today(), _internal())
    title = get_db().execute("select title from agreements where slug = ?", [slug]).fetchone()[0]
    return _report(found, title, ext, f"theo-doi-thuc-hien-{slug}")


@bp.route("/follow-up.<ext>")
def follow_up_export_organization(ext):
    """The follow-up of an organization and its sub-units (?organization=), all periods of its agreements."""
    db = get_db()
    slug = (request.args.get("organization") or "").strip()
    organization = organizations.get(db, slug) if slug else None
    ids = (db.execute("select id from organizations where slug = ?", [slug]).fetchone()[0],) if slug else None
    found = obligations.represent(db, obligations.rows_of_organizations(db, ids, _internal()), follow_up_today())
    about = organization["name"] if organization else "Tất cả cơ quan, tổ chức"
    return _report(found, about, ext, f"theo-doi-thuc-hien-{slug or 'tat-ca'}")
