"""Periods of an obligation and the state of each, computed, never stored (no Flask, no database).

Dates here are days of the Asia/Ho_Chi_Minh calendar: an agreement's term is written in local
days, and "today" is the local day of the held clock (utc_now), not the UTC date.

A cadence of N months cuts the term into periods the way the review series repeats: period k
runs from valid_from + (k-1)·N months to the day before valid_from + k·N months, and its review
is due on that next day (for 2020-03-05 – 2025-03-04 every 6 months: ten periods, the last review
on 2025-03-05, the day after the term, as review_series schedules it). Each boundary is counted
from valid_from, not from the previous boundary, so 31 January steps to 28/29 February and back
to 31 March, and 29 February 2020 comes back in 2024. A period that the term cuts short has no
review and is not a period (except for a yearly plan: the last, shorter year of a term still
plans its work). The bounds are recurrence's: at most MAX_COUNT periods, within
MAX_SERIES_YEARS of the start, within the years the calendar handles; an open-ended term runs to
those bounds.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from ..eventtime import zone
from ..recurrence import MAX_COUNT, MAX_SERIES_YEARS
from ..schemas.common import LATEST_YEAR

STATES = ("upcoming", "due", "fulfilled", "overdue", "waived")
PLAN_DUE_MONTHS = 1  # a yearly plan is due one month into its year (the 2020 plan was signed with the program)


class NoPeriod(ValueError):
    """The term and the cadence leave no period (a 12-month cadence on a 6-month term, say)."""


@dataclass(frozen=True)
class Period:
    """Period n (from 1): its days, when it is due, and from when it is overdue without a record."""

    n: int
    starts_on: date
    ends_on: date
    due_on: date

    @property
    def overdue_after(self) -> date:
        """The last day it may still be fulfilled on time: its due day or its last day, whichever is later."""
        return max(self.due_on, self.ends_on)


def local_today(now: datetime, tz_name: str = "Asia/Ho_Chi_Minh") -> date:
    """The local day of an instant (the app's zone): what "today" means to an office."""
    return now.astimezone(zone(tz_name)).date()


def _latest_day(start: date) -> date:
    """The last day an open-ended term can reach: recurrence's series span and the calendar's last year."""
    try:
        reach = start + relativedelta(years=MAX_SERIES_YEARS)
    except (ValueError, OverflowError):
        reach = date.max
    return min(reach, date(LATEST_YEAR, 12, 31))


def cadence_periods(valid_from: date, valid_until: date | None, months: int, kind: str = "other") -> list[Period]:
    """The periods of a term at a cadence of `months`; NoPeriod when there is none.

    valid_until is the term's last day (None: open-ended, up to the recurrence bounds). A yearly
    plan is due early in its period (the plan is for the year ahead); everything else is due on
    the day after its period, when it is reviewed.
    """
    if months < 1:
        raise NoPeriod("The cadence must be at least one month.")
    # The review of the last period falls on the day after the term: within the calendar's years too.
    latest = _latest_day(valid_from)
    closing = min(valid_until + timedelta(days=1), latest) if valid_until else latest
    periods = []
    k = 1
    while len(periods) < MAX_COUNT:
        boundary = valid_from + relativedelta(months=months * k)
        if boundary > closing:
            break
        starts_on = valid_from + relativedelta(months=months * (k - 1))
        ends_on = boundary - timedelta(days=1)
        due_on = boundary if kind != "yearly_plan" else min(starts_on + relativedelta(months=PLAN_DUE_MONTHS), ends_on)
        periods.append(Period(k, starts_on, ends_on, due_on))
        k += 1
    tail_start = valid_from + relativedelta(months=months * (len(periods)))
    if kind == "yearly_plan" and valid_until and tail_start <= valid_until and len(periods) < MAX_COUNT:
        # A plan is for the year ahead, so the last, shorter year of a term still has one
        # (a 2020 – 2025 program that runs to 31 December 2025 plans 2025 too); a review would not.
        periods.append(Period(len(periods) + 1, tail_start, valid_until,
                              min(tail_start + relativedelta(months=PLAN_DUE_MONTHS), valid_until)))
    if not periods:
        raise NoPeriod(f"A cadence of {months} month(s) from {valid_from} leaves no whole period before the term ends"
                       + (f" ({valid_until})." if valid_until else "."))
    return periods


def single_period(starts_on: date | None, due_on: date) -> list[Period]:
    """The one period of an obligation with a single due date: from the term's start (or the due day) to it."""
    start = starts_on if starts_on is not None and starts_on <= due_on else due_on
    return [Period(1, start, due_on, due_on)]


def state(period: Period, record: dict | None, today: date, remind_days: int) -> str:
    """The period's state from its record (a fulfilment or a waiver) and the local day."""
    if record is not None:
        return "waived" if record.get("waived_reason") else "fulfilled"
    if today > period.overdue_after:
        return "overdue"
    if today >= period.due_on - timedelta(days=remind_days):
        return "due"
    return "upcoming"


def shown(periods: list[Period], today: date, open_ended: bool) -> list[Period]:
    """What to list of an open-ended term: the periods due before today and the next one due (the rest repeat)."""
    if not open_ended:
        return periods
    past = [p for p in periods if p.due_on < today]
    return periods[:len(past) + 1]
