"""What a day of the month and week views shows besides its events: its lunar date and whether it is worked."""

from datetime import date
from typing import NamedTuple

from flask import flash, g

from ..db import get_db
from ..lunar import LunarDay, lunar_day
from ..repositories import holidays
from .i18n import format_date
from .i18n import gettext as _


class DayFacts(NamedTuple):
    lunar: LunarDay | None
    days_off: list[dict]  # the holidays and make-up days off of the day (names as the office wrote them)
    working_day: dict | None  # the row making a Saturday or Sunday a working day (ngày làm bù)
    weekend: bool

    @property
    def off(self) -> bool:
        """Not worked: a holiday, a day off, or a weekend day that is not made a working day."""
        return bool(self.days_off) or (self.weekend and self.working_day is None)


def _year_rows(year: int) -> dict[date, list[dict]]:
    """The holidays of a year, read once per request (a month view asks for 35-42 days)."""
    kept = g.setdefault("holidays_by_year", {})
    if year not in kept:
        kept[year] = holidays.by_day(get_db(), date(year, 1, 1), date(year, 12, 31))
    return kept[year]


def day_facts(day: date) -> DayFacts:
    """The lunar date and the holidays of one day: the month view's cells and the week view's rows call it."""
    rows = _year_rows(day.year).get(day, [])
    return DayFacts(lunar=lunar_day(day), days_off=[r for r in rows if r["kind"] in holidays.DAYS_OFF],
                    working_day=next((r for r in rows if r["kind"] == "working_day"), None),
                    weekend=day.weekday() >= 5)


def flash_day_warnings(before: dict | None, saved: dict) -> None:
    """Say so when an event was put on a holiday or a weekend (allowed: offices do work some of them)."""
    if before is not None and holidays.event_days(before) == holidays.event_days(saved):
        return
    for warning in holidays.warnings_for(get_db(), saved):
        day = format_date(date.fromisoformat(warning["day"]))
        flash(_("Note: {day} is a weekend day.", day=day) if warning["kind"] == "weekend"
              else _("Note: {day} is a day off ({name}).", day=day, name=warning["name"]), "warning")
