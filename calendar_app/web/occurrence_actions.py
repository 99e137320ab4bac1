"""One occurrence of a series from the pages: move, postpone, cancel or restore it, through the overrides API's repository.

"Edit" on a listed occurrence first asks whether the change is for this occurrence only or
for the whole series; the series form is the event form, the occurrence form is here.
"""

from datetime import date, datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from ..db import get_db
from ..errors import NotFoundError
from ..eventtime import zone
from ..repositories import events, overrides
from ..schemas.overrides import OverrideInSchema
from ..stored_event import StoredEvent
from .blueprint import actor, bp, editor_required
from .editing import write
from .event_actions import posted_reason
from .forms import field_errors, optional, text
from .i18n import format_span
from .i18n import gettext as _

STATUS_ACTIONS = {"postpone": "postponed", "cancel": "cancelled", "restore": "confirmed"}
_DAY = timedelta(days=1)
KEPT = ("starts_at", "ends_at", "start_date", "end_date", "title", "location", "description")


def current_override(db, event_id: int, recurrence_id: str) -> dict | None:
    """The occurrence's override as the API shows it, or None when it follows the series."""
    try:
        return overrides.get(db, event_id, recurrence_id)
    except NotFoundError:
        return None


def kept_values(event: StoredEvent, override: dict | None) -> dict:
    """The override's typed values (its move, title, place) that a status change keeps."""
    if override is None:
        return {}
    found = {}
    for key in KEPT:
        value = override.get(key)
        if value is None:
            continue
        found[key] = (date.fromisoformat(value) if key.endswith("_date")
                      else datetime.fromisoformat(value).astimezone(event.zone) if key.endswith("_at") else value)
    return found


def occurrence_when(event: StoredEvent, recurrence_id: str) -> str:
    """The original time of the occurrence in words (what the clerk recognises it by)."""
    value = event.recurrence_value(overrides.parse_recurrence_id(event, recurrence_id))
    occurrence = event.occurrence_from(value)
    # An all-day span is shown by its last day, inclusive; the occurrence's end is the day after it.
    return format_span(occurrence.start, occurrence.end - _DAY if event.all_day else occurrence.end)


@bp.route("/events/<int:event_id>/occurrences/<recurrence_id>/<any(postpone, cancel, restore):action>",
          methods=["POST"])
@editor_required
def occurrence_status(event_id, recurrence_id, action):
    """Postpone, cancel or restore one occurrence; the other occurrences of the series are untouched."""
    status = STATUS_ACTIONS[action]
    reason = posted_reason()

    def change(db):
        event = StoredEvent.from_row(events.get_row(db, event_id))
        kept = kept_values(event, current_override(db, event_id, recurrence_id))
        if status == "confirmed" and not kept:
            overrides.delete(db, event_id, recurrence_id, actor())  # back to the series as it is
            return None
        return overrides.put(db, event_id, recurrence_id, {**kept, "status": status, "status_reason": reason},
                             actor())

    _done, errors = write(change)
    words = {"postpone": _("The occurrence was postponed."), "cancel": _("The occurrence was cancelled."),
             "restore": _("The occurrence was restored.")}
    flash(words[action] if errors is None else _("The occurrence could not be changed."))
    return redirect(url_for("web.event_page", event_id=event_id))


@bp.route("/events/<int:event_id>/occurrences/<recurrence_id>/change")
@editor_required
def occurrence_choice(event_id, recurrence_id):
    """Ask whether an edit is for this occurrence only or for every occurrence of the series."""
    event = StoredEvent.from_row(events.get_row(get_db(), event_id))
    return render_template("occurrence_choice.html", event=event, recurrence_id=recurrence_id,
                           when=occurrence_when(event, recurrence_id))


@bp.route("/events/<int:event_id>/occurrences/<recurrence_id>/edit", methods=["GET", "POST"])
@editor_required
def occurrence_form(event_id, recurrence_id):
    """Move or change this occurrence only (its new time, title, place, status)."""
    db = get_db()
    event = StoredEvent.from_row(events.get_row(db, event_id))
    when = occurrence_when(event, recurrence_id)
    if request.method == "GET":
        override = current_override(db, event_id, recurrence_id) or {}
        values = {key: override.get(key) or "" for key in ("title", "location", "status", "status_reason",
                                                            "start_date", "end_date")}
        values["status"] = values["status"] or "confirmed"
        for key in ("starts_at", "ends_at"):
            values[key] = override[key][:16] if override.get(key) else ""
        return render_template("occurrence_form.html", event=event, recurrence_id=recurrence_id, when=when,
                               values=values, errors={})
    payload = occurrence_payload(request.form, event)
    try:
        fields, errors = OverrideInSchema().load(payload), None
    except ValidationError as error:
        fields, errors = None, error.messages
    if fields is not None:
        saved, errors = write(lambda db: overrides.put(db, event_id, recurrence_id, fields, actor()))
        if errors is None:
            flash(_("The occurrence was saved; the other occurrences are unchanged."))
            return redirect(url_for("web.event_page", event_id=event_id))
    values = {key: request.form.get(key, "") for key in ("title", "location", "status", "status_reason", "starts_at",
                                                        "ends_at", "start_date", "end_date")}
    return render_template("occurrence_form.html", event=event, recurrence_id=recurrence_id, when=when,
                           values=values, errors=field_errors(errors, {})), 422


def occurrence_payload(form, event: StoredEvent) -> dict:
    """The JSON body the overrides API would receive: local times get the event's own zone."""
    payload = {"status": text(form, "status") or "confirmed", "status_reason": optional(form, "status_reason"),
               "title": optional(form, "title"), "location": optional(form, "location")}
    if event.all_day:
        payload.update(start_date=optional(form, "start_date"), end_date=optional(form, "end_date"))
        return payload
    for key in ("starts_at", "ends_at"):
        value = text(form, key)
        if value:
            try:
                value = datetime.fromisoformat(value).replace(tzinfo=zone(event.timezone)).isoformat()
            except ValueError:
                pass  # the schema names what is wrong with it
        payload[key] = value or None
    return payload
