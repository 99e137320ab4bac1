"""What an editor does to an event from its page: postpone, cancel or restore it, delete it, copy it.

Each action is one write through the repository functions the API uses (events.update keeps
SEQUENCE, cancelled_at and the audit trail right); forms carry the CSRF token like every other.
"""

from flask import flash, redirect, request, url_for

from ..db import get_db
from ..repositories import events
from ..schemas.events import EVENT_STATUSES
from .blueprint import actor, bp, editor_required
from .editing import render_event_form, write
from .forms import event_form_values, optional
from .i18n import gettext as _

# The status each action sets, and what the page says after it (or when it could not be done).
ACTIONS = {
    "postpone": ("postponed", "The event was postponed.", "The event could not be postponed."),
    "cancel": ("cancelled", "The event was cancelled.", "The event could not be cancelled."),
    "restore": ("confirmed", "The event was restored.", "The event could not be restored."),
}
REASON_MAX = 500


def set_status(event_id: int, status: str, reason: str | None):
    """Give the event a status (and reason) keeping everything else: (saved, errors) as write() returns."""
    assert status in EVENT_STATUSES

    def change(db):
        current = events.get(db, event_id)
        fields = events.stored_to_fields(events.get_row(db, event_id))
        fields.update(agreement=current["agreement"], organizations=current["organizations"], status=status,
                      status_reason=reason if status != "confirmed" else None)
        return events.update(db, event_id, fields, actor())

    return write(change)


def posted_reason() -> str | None:
    """The optional reason typed beside the button: one line, at most REASON_MAX characters."""
    reason = optional(request.form, "status_reason")
    return " ".join(reason.split())[:REASON_MAX] if reason else None


@bp.route("/events/<int:event_id>/<any(postpone, cancel, restore):action>", methods=["POST"])
@editor_required
def event_status(event_id, action):
    """Postpone, cancel or restore the whole event (kept, so subscribed calendars show the change)."""
    status, done, failed = ACTIONS[action]
    events.get_row(get_db(), event_id)  # 404 before anything else
    _saved, errors = set_status(event_id, status, posted_reason())
    flash(_(done) if errors is None else _(failed))
    return redirect(url_for("web.event_page", event_id=event_id))


@bp.route("/events/<int:event_id>/delete", methods=["POST"])
@editor_required
def event_delete(event_id):
    """Delete an event for good (the page asked first); its feeds drop it."""
    title = events.get_row(get_db(), event_id)["title"]
    _done, errors = write(lambda db: events.delete(db, event_id, actor()))
    if errors is not None:
        flash(_("The event could not be deleted."))
        return redirect(url_for("web.event_page", event_id=event_id))
    flash(_("The event “{title}” was deleted.", title=title))
    return redirect(url_for("web.home"))


@bp.route("/events/<int:event_id>/copy")
@editor_required
def event_copy(event_id):
    """A new event form filled from this one: the clerk changes the date and saves a separate event."""
    event = events.get(get_db(), event_id)
    values = event_form_values(event)
    values.update(status="confirmed", exdates=[])
    return render_event_form(values, {}, None)
