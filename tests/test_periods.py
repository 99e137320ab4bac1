"""Periods of an obligation from the term and the cadence, and states at fixed local days (no database)."""

from datetime import date, datetime, timezone

import pytest

from calendar_app.followup.periods import NoPeriod, Period, cadence_periods, local_today, shown, single_period, state


def test_the_programs_term_every_six_months_has_ten_periods_ending_with_the_term():
    periods = cadence_periods(date(2020, 3, 5), date(2025, 3, 4), 6, "review_meeting")
    assert len(periods) == 10
    assert periods[0] == Period(1, date(2020, 3, 5), date(2020, 9, 4), date(2020, 9, 5))
    # The last review falls the day after the term, as the review series schedules it.
    assert periods[-1] == Period(10, date(2024, 9, 5), date(2025, 3, 4), date(2025, 3, 5))
    assert all(a.ends_on.toordinal() + 1 == b.starts_on.toordinal() for a, b in zip(periods, periods[1:]))


@pytest.mark.parametrize("start, until, months, starts", [
    # 29 February comes back in leap years: each boundary counts from the start, not the previous one.
    (date(2020, 2, 29), date(2025, 2, 27), 12,
     [date(2020, 2, 29), date(2021, 2, 28), date(2022, 2, 28), date(2023, 2, 28), date(2024, 2, 29)]),
    (date(2020, 2, 29), date(2024, 2, 28), 12,
     [date(2020, 2, 29), date(2021, 2, 28), date(2022, 2, 28), date(2023, 2, 28)]),
    # 31 January monthly: 29 February (leap), then 31 March again.
    (date(2024, 1, 31), date(2024, 4, 30), 1, [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]),
    # A term cut short leaves the partial period out (no review is held for it).
    (date(2020, 3, 5), date(2021, 6, 30), 6, [date(2020, 3, 5), date(2020, 9, 5)]),
])
def test_boundaries_follow_the_calendar(start, until, months, starts):
    assert [p.starts_on for p in cadence_periods(start, until, months)] == starts


def test_a_yearly_plan_is_due_early_in_its_year_and_overdue_only_when_the_year_ends():
    first = cadence_periods(date(2020, 3, 5), date(2025, 3, 4), 12, "yearly_plan")[0]
    assert (first.due_on, first.ends_on, first.overdue_after) == (date(2020, 4, 5), date(2021, 3, 4), date(2021, 3, 4))


def test_an_open_ended_term_runs_to_the_recurrence_bounds_and_lists_what_has_begun_and_the_next():
    periods = cadence_periods(date(2020, 1, 1), None, 6)
    assert periods[-1].ends_on <= date(2120, 1, 1) and len(periods) == 200
    assert len(cadence_periods(date(2020, 1, 1), None, 1)) == 1000  # recurrence's MAX_COUNT
    assert len(cadence_periods(date(2195, 1, 1), None, 12)) == 5  # the calendar ends with 2200
    listed = shown(periods, date(2026, 12, 1), open_ended=True)
    assert [p.due_on for p in listed[-2:]] == [date(2026, 7, 1), date(2027, 1, 1)]
    assert shown(periods[:3], date(2026, 12, 1), open_ended=False) == periods[:3]


@pytest.mark.parametrize("start, until, months", [
    (date(2020, 3, 5), date(2020, 6, 30), 6),
    (date(2020, 3, 5), date(2020, 3, 5), 1),
    (date(2195, 1, 1), None, 120),  # the first period would end past 2200
])
def test_a_cadence_that_yields_no_period_is_refused(start, until, months):
    with pytest.raises(NoPeriod):
        cadence_periods(start, until, months)


def test_a_single_due_date_is_one_period_from_the_term_start():
    assert single_period(date(2020, 3, 5), date(2025, 3, 4)) == [Period(1, date(2020, 3, 5), date(2025, 3, 4),
                                                                        date(2025, 3, 4))]
    assert single_period(None, date(2025, 3, 4))[0].starts_on == date(2025, 3, 4)


PERIOD = Period(2, date(2020, 9, 5), date(2021, 3, 4), date(2021, 3, 5))


@pytest.mark.parametrize("today, record, expected", [
    (date(2021, 2, 18), None, "upcoming"),
    (date(2021, 2, 19), None, "due"),  # 14 days before the due date
    (date(2021, 3, 5), None, "due"),  # the due day itself
    (date(2021, 3, 6), None, "overdue"),
    (date(2021, 3, 6), {"held_on": "2021-03-05"}, "fulfilled"),
    (date(2020, 10, 1), {"waived_reason": "Gộp với kỳ sau"}, "waived"),
])
def test_states_at_fixed_days(today, record, expected):
    assert state(PERIOD, record, today, remind_days=14) == expected


def test_today_is_the_local_day_of_the_instant():
    # 18:00 UTC on 4 March is already 5 March in Hà Nội.
    assert local_today(datetime(2021, 3, 4, 18, tzinfo=timezone.utc)) == date(2021, 3, 5)


def test_the_last_shorter_year_of_a_term_still_has_its_yearly_plan():
    periods = cadence_periods(date(2020, 3, 5), date(2025, 12, 31), 12, "yearly_plan")
    assert [p.starts_on.year for p in periods] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert periods[-1] == Period(6, date(2025, 3, 5), date(2025, 12, 31), date(2025, 4, 5))
    assert len(cadence_periods(date(2020, 3, 5), date(2025, 12, 31), 12, "review_meeting")) == 5
    assert len(cadence_periods(date(2020, 3, 5), date(2020, 6, 30), 12, "yearly_plan")) == 1
