"""/holidays: the office's days off and weekend working days, by year; editors add and remove them."""

from flask import flash, redirect, render_template, request, url_for

from ..db import get_db
from ..repositories import holidays
from ..schemas.common import year_in_range
from ..schemas.holidays import HOLIDAY_KINDS, HolidayInSchema
from .blueprint import actor, bp, editor_required
from .editing import load, write
from .forms import field_errors, text
from .i18n import gettext as _
from .pages import today

KIND_WORDS = {"holiday": "Holiday", "day_off": "Day off in exchange (nghỉ bù)",
              "working_day": "Weekend working day (làm bù)"}


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, _(KIND_WORDS[kind])) for kind in HOLIDAY_KINDS]


def year_arg() -> int:
    """?year=YYYY within the years the calendar handles, or this year."""
    asked = request.args.get("year", "")
    return int(asked) if asked.isdigit() and year_in_range(int(asked)) else today().year


def render_holidays(year: int, values: dict, errors: dict, status: int = 200):
    items, _total = holidays.list_holidays(get_db(), year, 500, 0)
    return render_template("holidays.html", year=year, items=items, values=values, errors=errors,
                           kinds=kind_choices(), kind_words={k: _(v) for k, v in KIND_WORDS.items()}), status


@bp.route("/holidays", methods=["GET"])
def holiday_list():
    """A year's holidays, make-up days off and weekend working days (everyone may read them)."""
    return render_holidays(year_arg(), {"kind": "holiday"}, {})


@bp.route("/holidays", methods=["POST"])
@editor_required
def holiday_add():
    """Add a day; a bad one shows the form again with its errors, nothing written."""
    values = {"day": text(request.form, "day"), "name": text(request.form, "name"),
              "kind": text(request.form, "kind") or "holiday"}
    data, errors = load(HolidayInSchema(), {k: v for k, v in values.items() if v})
    if data is not None:
        saved, errors = write(lambda db: holidays.create(db, data, actor()))
        if saved is not None:
            flash(_("The day was saved."))
            return redirect(url_for("web.holiday_list", year=saved["day"][:4]))
    year = int(values["day"][:4]) if values["day"][:4].isdigit() else year_arg()
    return render_holidays(year, values, field_errors(errors), 422)


@bp.route("/holidays/<int:holiday_id>/delete", methods=["POST"])
@editor_required
def holiday_delete(holiday_id):
    """Remove a day (seeded ones too: the office's list is what counts)."""
    found = holidays.get(get_db(), holiday_id)
    write(lambda db: holidays.delete(db, holiday_id, actor()))
    flash(_("The day was removed."))
    return redirect(url_for("web.holiday_list", year=found["day"][:4]))


