"""Recurrence rules: validation messages, bounds, series ends and window expansion."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar, Event, vRecur

from calendar_app.recurrence import (
    MAX_OCCURRENCES_PER_QUERY,
    Occurrence,
    RecurrenceError,
    TooManyOccurrences,
    normalize_rrule,
    occurrences_between,
    series_end,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
TWO_HOURS = timedelta(hours=2)
# The review meeting of a five-year program term: 14:00 in Ho Chi Minh City, every 6 months.
REVIEW = datetime(2020, 3, 5, 14, tzinfo=HCM)
EVERYTHING = (datetime(1900, 1, 1, tzinfo=UTC), datetime(2099, 1, 1, tzinfo=UTC))
TERM = [datetime(2020, 3, 5, 14, tzinfo=HCM), datetime(2020, 9, 5, 14, tzinfo=HCM),
        datetime(2021, 3, 5, 14, tzinfo=HCM), datetime(2021, 9, 5, 14, tzinfo=HCM),
        datetime(2022, 3, 5, 14, tzinfo=HCM), datetime(2022, 9, 5, 14, tzinfo=HCM),
        datetime(2023, 3, 5, 14, tzinfo=HCM), datetime(2023, 9, 5, 14, tzinfo=HCM),
        datetime(2024, 3, 5, 14, tzinfo=HCM), datetime(2024, 9, 5, 14, tzinfo=HCM)]


def starts(start, duration, rrule, exdates=(), window=EVERYTHING, **kwargs):
    """Expand and keep only the starts, the part most assertions are about."""
    return [o.start for o in occurrences_between(start, duration, rrule, list(exdates), *window, **kwargs)]


def ical_starts(start, duration, rrule, exdates, window):
    """Expand the same event with recurring_ical_events, a library that did not write our code."""
    event = Event()
    event.add("uid", "review@calendar-app.test")
    event.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
    event.add("dtstart", start)
    event.add("dtend", start + duration)
    event.add("rrule", vRecur.from_ical(rrule))
    for value in exdates:
        event.add("exdate", value)
    calendar = Calendar()
    calendar.add("prodid", "-//calendar_app//tests//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return sorted(e["DTSTART"].dt for e in recurring_ical_events.of(calendar).between(*window))


# The project's acceptance criterion: a 6-monthly series over a 5-year term.


@pytest.mark.parametrize(("rrule", "expected"), [
    ("FREQ=MONTHLY;INTERVAL=6;COUNT=10", TERM),
    ("FREQ=MONTHLY;INTERVAL=6;UNTIL=20250304", TERM),  # a date: the end of that local day
    ("FREQ=MONTHLY;INTERVAL=6;UNTIL=20250305T135959", TERM),  # local, one second before the 11th
    ("FREQ=MONTHLY;INTERVAL=6;UNTIL=20250305T065959Z", TERM),  # the same instant in UTC
    ("FREQ=MONTHLY;INTERVAL=6;UNTIL=20250305T235959", TERM + [datetime(2025, 3, 5, 14, tzinfo=HCM)]),
    ("FREQ=MONTHLY;INTERVAL=6;UNTIL=20250305T070000Z", TERM + [datetime(2025, 3, 5, 14, tzinfo=HCM)]),
])
def test_six_monthly_review_over_a_five_year_term(rrule, expected):
    canonical = normalize_rrule(rrule, REVIEW)
    assert starts(REVIEW, TWO_HOURS, canonical) == expected
    assert starts(REVIEW, TWO_HOURS, rrule) == expected  # a rule is usable before normalizing too
    assert len(expected) in (10, 11)


@pytest.mark.parametrize(("rrule", "occurrences"), [
    ("FREQ=YEARLY;COUNT=101", 101),  # the 101st is exactly 100 years after DTSTART: still accepted
    ("FREQ=YEARLY;UNTIL=21200305T070000Z", 101),
])
def test_a_series_may_last_exactly_100_years(rrule, occurrences):
    assert len(starts(REVIEW, TWO_HOURS, normalize_rrule(rrule, REVIEW), window=EVERYTHING[:1] + (
        datetime(2200, 1, 1, tzinfo=UTC),))) == occurrences


def test_a_six_monthly_series_over_a_five_year_term_gives_10_occurrences():
    found = occurrences_between(REVIEW, TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6;COUNT=10", [], *EVERYTHING)
    assert len(found) == 10
    assert found[0] == Occurrence(REVIEW, REVIEW + TWO_HOURS, REVIEW)
    assert found[-1] == Occurrence(datetime(2024, 9, 5, 14, tzinfo=HCM), datetime(2024, 9, 5, 16, tzinfo=HCM),
                                   datetime(2024, 9, 5, 14, tzinfo=HCM))
    assert {o.start.tzinfo for o in found} == {HCM}


# Canonical form


@pytest.mark.parametrize(("value", "start", "canonical"), [
    ("FREQ=MONTHLY;INTERVAL=6;COUNT=10", REVIEW, "FREQ=MONTHLY;COUNT=10;INTERVAL=6"),
    ("rrule:freq=monthly;interval=6;until=20250304", REVIEW, "FREQ=MONTHLY;UNTIL=20250304T165959Z;INTERVAL=6"),
    (" RRULE:INTERVAL=6;FREQ=MONTHLY;UNTIL=20250305T140000 ", REVIEW,
     "FREQ=MONTHLY;UNTIL=20250305T070000Z;INTERVAL=6"),
    ("FREQ=MONTHLY;UNTIL=20250305T070000Z;INTERVAL=6;", REVIEW, "FREQ=MONTHLY;UNTIL=20250305T070000Z;INTERVAL=6"),
    ("FREQ=WEEKLY;BYDAY=TH,MO,TH;INTERVAL=1;WKST=MO", REVIEW, "FREQ=WEEKLY;BYDAY=MO,TH"),
    ("FREQ=WEEKLY;WKST=SU;BYDAY=TH;INTERVAL=2", REVIEW, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;WKST=SU"),
    ("FREQ=MONTHLY;BYDAY=+1TH", REVIEW, "FREQ=MONTHLY;BYDAY=1TH"),
    ("FREQ=MONTHLY;BYSETPOS=1;BYDAY=MO,TU,WE,TH,FR", datetime(2020, 3, 2, 9, tzinfo=HCM),
     "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1"),
    ("FREQ=YEARLY;BYMONTH=9,3;BYMONTHDAY=05", REVIEW, "FREQ=YEARLY;BYMONTHDAY=5;BYMONTH=3,9"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", datetime(2026, 8, 31, 9, tzinfo=HCM), "FREQ=MONTHLY;BYMONTHDAY=-1"),
    # All-day series keep UNTIL as a date; a date-time keeps its date part.
    ("FREQ=WEEKLY;UNTIL=20261231", date(2026, 7, 3), "FREQ=WEEKLY;UNTIL=20261231"),
    ("FREQ=WEEKLY;UNTIL=20261231T000000Z", date(2026, 7, 3), "FREQ=WEEKLY;UNTIL=20261231"),
    # Berlin in summer is UTC+2: local 23:59:59 is 21:59:59Z.
    ("FREQ=DAILY;UNTIL=20260630", datetime(2026, 6, 1, 14, tzinfo=BERLIN), "FREQ=DAILY;UNTIL=20260630T215959Z"),
])
def test_normalize_gives_the_canonical_rule(value, start, canonical):
    assert normalize_rrule(value, start) == canonical
    assert normalize_rrule(canonical, start) == canonical


# Refusals: each with the message the API shows.


@pytest.mark.parametrize(("value", "message"), [
    ("", "RRULE is empty"),
    ("   ", "RRULE is empty"),
    ("RRULE:", "RRULE is empty"),
    ("garbage", "is not of the form NAME=VALUE"),
    ("=DAILY", "is not of the form NAME=VALUE"),
    ("FREQ=DAILY;" + "X" * 2000, "RRULE is too long"),
    ("FREQ=DAILY;COLOR=RED", "unknown RRULE part 'COLOR'"),
    ("FREQ=DAILY;X-NAME=1", "unknown RRULE part 'X-NAME'"),
    ("FREQ=YEARLY;BYEASTER=0", "unknown RRULE part 'BYEASTER'"),
    ("FREQ=DAILY;FREQ=WEEKLY", "FREQ appears more than once"),
    ("FREQ=DAILY;COUNT=", "COUNT has no value"),
    ("INTERVAL=2", "FREQ is required"),
    (";;", "FREQ is required"),
    ("FREQ=SECONDLY", "FREQ=SECONDLY is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY"),
    ("FREQ=MINUTELY", "FREQ=MINUTELY is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY"),
    ("FREQ=HOURLY;INTERVAL=12", "FREQ=HOURLY is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY"),
    ("FREQ=FORTNIGHTLY", "FREQ='FORTNIGHTLY' is not a frequency"),
    ("FREQ=DAILY;COUNT=3;UNTIL=20250101", "COUNT and UNTIL cannot be used together"),
    ("FREQ=DAILY;COUNT=0", "COUNT must be a whole number between 1 and 1000"),
    ("FREQ=DAILY;COUNT=1001", "COUNT must be a whole number between 1 and 1000"),
    ("FREQ=DAILY;COUNT=-1", "COUNT must be a whole number between 1 and 1000"),
    ("FREQ=DAILY;COUNT=ten", "COUNT must be a whole number between 1 and 1000"),
    ("FREQ=DAILY;COUNT=99999999999999999999", "COUNT must be a whole number between 1 and 1000"),
    ("FREQ=DAILY;INTERVAL=0", "INTERVAL must be a whole number between 1 and 1000"),
    ("FREQ=DAILY;INTERVAL=1001", "INTERVAL must be a whole number between 1 and 1000"),
    ("FREQ=DAILY;UNTIL=2025-03-04", "UNTIL must be a date (YYYYMMDD) or a date-time"),
    ("FREQ=DAILY;UNTIL=20250230", "UNTIL must be a date (YYYYMMDD) or a date-time"),
    ("FREQ=DAILY;UNTIL=20250301T250000", "UNTIL must be a date (YYYYMMDD) or a date-time"),
    ("FREQ=DAILY;UNTIL=20200304", "UNTIL (2020-03-04 23:59+07:00) is before DTSTART (2020-03-05 14:00+07:00)"),
    ("FREQ=DAILY;UNTIL=20200305T065959Z", "is before DTSTART"),
    ("FREQ=YEARLY;UNTIL=21200306", "is more than 100 years after DTSTART"),
    ("FREQ=YEARLY;COUNT=102", "COUNT=102 runs beyond 100 years after DTSTART; use a smaller COUNT"),
    ("FREQ=MONTHLY;INTERVAL=24;COUNT=60", "COUNT=60 runs beyond 100 years after DTSTART"),
    ("FREQ=DAILY;BYHOUR=9,14", "BYHOUR is not supported: every occurrence keeps the time of day of DTSTART"),
    ("FREQ=DAILY;BYHOUR=14", "BYHOUR is not supported"),
    ("FREQ=DAILY;BYMINUTE=0,30", "BYMINUTE is not supported"),
    ("FREQ=DAILY;BYSECOND=0", "BYSECOND is not supported"),
    ("FREQ=YEARLY;BYMONTH=13", "BYMONTH values must be between 1 and 12; got 13"),
    ("FREQ=YEARLY;BYMONTH=-3", "BYMONTH values must be between 1 and 12; got -3"),
    ("FREQ=YEARLY;BYMONTH=3,", "BYMONTH has an empty value in its list"),
    ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY values must be between 1 and 31 or between -31 and -1; got 0"),
    ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY values must be between 1 and 31 or between -31 and -1; got 32"),
    ("FREQ=MONTHLY;BYMONTHDAY=5th", "BYMONTHDAY values must be whole numbers"),
    ("FREQ=YEARLY;BYYEARDAY=367", "BYYEARDAY values must be between 1 and 366 or between -366 and -1; got 367"),
    ("FREQ=YEARLY;BYWEEKNO=54", "BYWEEKNO values must be between 1 and 53 or between -53 and -1; got 54"),
    ("FREQ=MONTHLY;BYDAY=TH;BYSETPOS=367", "BYSETPOS values must be between 1 and 366"),
    ("FREQ=MONTHLY;BYDAY=TH;BYSETPOS=0", "BYSETPOS values must be between 1 and 366"),
    ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS needs another BYxxx part"),
    ("FREQ=WEEKLY;BYDAY=XX", "BYDAY value 'XX' is not a weekday"),
    ("FREQ=WEEKLY;BYDAY=THURSDAY", "BYDAY value 'THURSDAY' is not a weekday"),
    ("FREQ=WEEKLY;BYDAY=1TH", "BYDAY ordinals such as 1MO need FREQ=MONTHLY or FREQ=YEARLY"),
    ("FREQ=MONTHLY;BYDAY=6TH", "BYDAY ordinals must be between 1 and 5 or between -5 and -1 with FREQ=MONTHLY"),
    ("FREQ=MONTHLY;BYDAY=0TH", "BYDAY ordinals must be between 1 and 5"),
    ("FREQ=YEARLY;BYDAY=54TH", "BYDAY ordinals must be between 1 and 53"),
    ("FREQ=YEARLY;BYWEEKNO=10;BYDAY=1TH", "BYDAY ordinals such as 1MO cannot be used with BYWEEKNO"),
    ("FREQ=MONTHLY;BYWEEKNO=10", "BYWEEKNO can only be used with FREQ=YEARLY"),
    ("FREQ=DAILY;BYYEARDAY=65", "BYYEARDAY can only be used with FREQ=YEARLY"),
    ("FREQ=WEEKLY;BYMONTHDAY=5", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
    ("FREQ=WEEKLY;WKST=XX", "WKST must be one of MO, TU, WE, TH, FR, SA, SU"),
    # Rules that never produce anything, however they are iterated.
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "the rule yields no occurrence within 100 years of DTSTART"),
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "the rule yields no occurrence within 100 years of DTSTART"),
    ("FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4,6,9,11", "the rule yields no occurrence"),
    # RFC 5545 leaves a DTSTART the rule does not produce undefined: refused, with the fix.
    ("FREQ=WEEKLY;BYDAY=MO", "DTSTART 2020-03-05 14:00 is not an occurrence of the rule; "
                             "start the series on its first occurrence, 2020-03-09 14:00"),
    ("FREQ=MONTHLY;BYDAY=1MO", "start the series on its first occurrence, 2020-04-06 14:00"),
    ("FREQ=DAILY;INTERVAL=7;BYDAY=MO", "the rule yields no occurrence"),
])
def test_normalize_refuses_with_a_clear_message(value, message):
    with pytest.raises(RecurrenceError) as raised:
        normalize_rrule(value, REVIEW)
    assert message in str(raised.value)


@pytest.mark.parametrize(("value", "start", "message"), [
    ("FREQ=WEEKLY;UNTIL=20260702", date(2026, 7, 3), "UNTIL (2026-07-02) is before DTSTART (2026-07-03)"),
    ("FREQ=WEEKLY;UNTIL=21260704", date(2026, 7, 3), "UNTIL (2126-07-04) is more than 100 years after DTSTART"),
    ("FREQ=WEEKLY;BYDAY=MO", date(2026, 7, 3), "DTSTART 2026-07-03 is not an occurrence of the rule; "
                                                "start the series on its first occurrence, 2026-07-06"),
])
def test_normalize_refuses_all_day_rules(value, start, message):
    with pytest.raises(RecurrenceError) as raised:
        normalize_rrule(value, start)
    assert message in str(raised.value)


def test_a_rule_with_no_occurrence_is_refused():
    # dateutil alone would search day by day up to year 9999 (about 3 s); timing is a bench matter.
    with pytest.raises(RecurrenceError, match="no occurrence"):
        normalize_rrule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", REVIEW)


@pytest.mark.parametrize(("start", "error"), [
    (datetime(2020, 3, 5, 14), TypeError),
    ("2020-03-05", TypeError),
])
def test_a_start_without_a_zone_is_a_programming_error(start, error):
    with pytest.raises(error):
        normalize_rrule("FREQ=DAILY", start)


# Windows and EXDATEs


def test_an_exdate_removes_exactly_that_occurrence():
    # Given in UTC: EXDATEs match by instant, whatever zone the caller parsed them in.
    skipped = datetime(2022, 3, 5, 7, tzinfo=UTC)
    found = starts(REVIEW, TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6;COUNT=10", [skipped])
    assert found == [s for s in TERM if s != datetime(2022, 3, 5, 14, tzinfo=HCM)]
    assert len(found) == 9


def test_an_exdate_that_matches_nothing_removes_nothing():
    found = starts(REVIEW, TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6;COUNT=10", [datetime(2022, 3, 5, 15, tzinfo=HCM)])
    assert found == TERM


DAILY_MEETING = datetime(2026, 5, 4, 14, tzinfo=HCM)  # 14:00-16:00 every day


@pytest.mark.parametrize(("window", "expected"), [
    # The window cuts the meeting in half: it starts before the window and ends inside it.
    ((datetime(2026, 5, 6, 15, tzinfo=HCM), datetime(2026, 5, 6, 15, 30, tzinfo=HCM)), [6]),
    ((datetime(2026, 5, 6, 8, tzinfo=UTC), datetime(2026, 5, 6, 8, 30, tzinfo=UTC)), [6]),
    ((datetime(2026, 5, 6, 15, tzinfo=HCM), datetime(2026, 5, 7, 15, tzinfo=HCM)), [6, 7]),
    # Starts inside the window, ends after it.
    ((datetime(2026, 5, 6, 13, tzinfo=HCM), datetime(2026, 5, 6, 14, 1, tzinfo=HCM)), [6]),
    # Both ends are exclusive: touching is not overlapping.
    ((datetime(2026, 5, 6, 16, tzinfo=HCM), datetime(2026, 5, 7, 14, tzinfo=HCM)), []),
    ((datetime(2026, 5, 6, 0, tzinfo=HCM), datetime(2026, 5, 6, 14, tzinfo=HCM)), []),
    # Before the series started.
    ((datetime(2026, 5, 1, tzinfo=HCM), datetime(2026, 5, 4, 14, tzinfo=HCM)), []),
    ((datetime(2026, 5, 1, tzinfo=HCM), datetime(2026, 5, 5, tzinfo=HCM)), [4]),
    ((datetime(2026, 5, 6, 15, tzinfo=HCM), datetime(2026, 5, 6, 15, tzinfo=HCM)), []),
])
def test_windows_include_every_occurrence_they_overlap(window, expected):
    found = starts(DAILY_MEETING, TWO_HOURS, "FREQ=DAILY", window=window)
    assert [s.day for s in found] == expected
    assert all(s.hour == 14 and s.tzinfo is HCM for s in found)


def test_an_occurrence_cut_by_the_window_keeps_its_whole_span():
    window = (datetime(2026, 5, 6, 15, tzinfo=HCM), datetime(2026, 5, 6, 15, 30, tzinfo=HCM))
    assert occurrences_between(DAILY_MEETING, TWO_HOURS, "FREQ=DAILY", [], *window) == [
        Occurrence(datetime(2026, 5, 6, 14, tzinfo=HCM), datetime(2026, 5, 6, 16, tzinfo=HCM),
                   datetime(2026, 5, 6, 14, tzinfo=HCM))]


@pytest.mark.parametrize(("window", "count"), [
    ((datetime(2026, 5, 4, 14, tzinfo=HCM), datetime(2026, 5, 4, 15, tzinfo=HCM)), 1),
    ((datetime(2026, 5, 4, 14, 1, tzinfo=HCM), datetime(2026, 5, 4, 15, tzinfo=HCM)), 0),
    ((datetime(2026, 5, 4, 13, tzinfo=HCM), datetime(2026, 5, 4, 14, tzinfo=HCM)), 0),
])
def test_a_zero_length_event_counts_when_it_starts_in_the_window(window, count):
    assert len(occurrences_between(DAILY_MEETING, timedelta(0), None, [], *window)) == count


@pytest.mark.parametrize(("window", "expected"), [
    ((datetime(2026, 5, 4, 15, tzinfo=HCM), datetime(2026, 5, 4, 17, tzinfo=HCM)), 1),
    ((datetime(2026, 5, 4, 16, tzinfo=HCM), datetime(2026, 5, 4, 17, tzinfo=HCM)), 0),
    ((datetime(2027, 1, 1, tzinfo=HCM), datetime(2028, 1, 1, tzinfo=HCM)), 0),
])
def test_a_single_event_gives_zero_or_one_occurrence(window, expected):
    found = occurrences_between(DAILY_MEETING, TWO_HOURS, None, [], *window)
    assert found == [Occurrence(DAILY_MEETING, DAILY_MEETING + TWO_HOURS, DAILY_MEETING)][:expected]


# All-day events: a 3-day volunteer program, Friday to Sunday, every week.

PROGRAM = date(2026, 7, 3)  # a Friday
THREE_DAYS = timedelta(days=3)


@pytest.mark.parametrize(("window", "zone", "expected"), [
    # Sunday morning in Ho Chi Minh City is inside the second program (Fri 10 - Sun 12).
    ((datetime(2026, 7, 12, 10, tzinfo=HCM), datetime(2026, 7, 12, 11, tzinfo=HCM)), HCM, [date(2026, 7, 10)]),
    # Monday 01:00 there is after it: the span ends at Monday 00:00 local.
    ((datetime(2026, 7, 12, 18, tzinfo=UTC), datetime(2026, 7, 12, 19, tzinfo=UTC)), HCM, []),
    # The same UTC window is still Sunday for an event kept in UTC.
    ((datetime(2026, 7, 12, 18, tzinfo=UTC), datetime(2026, 7, 12, 19, tzinfo=UTC)), UTC, [date(2026, 7, 10)]),
    # Without a zone, the days are read in the window's zone (floating, as RFC 5545 DATEs).
    ((datetime(2026, 7, 12, 18, tzinfo=UTC), datetime(2026, 7, 12, 19, tzinfo=UTC)), None, [date(2026, 7, 10)]),
    # Monday to Thursday between programs.
    ((datetime(2026, 7, 13, tzinfo=HCM), datetime(2026, 7, 17, tzinfo=HCM)), HCM, []),
    ((datetime(2026, 7, 1, tzinfo=HCM), datetime(2026, 8, 1, tzinfo=HCM)), HCM,
     [date(2026, 7, 3), date(2026, 7, 10), date(2026, 7, 24)]),  # 17 is skipped, COUNT=4 ends on 24
])
def test_all_day_programs_overlap_by_local_days(window, zone, expected):
    found = occurrences_between(PROGRAM, THREE_DAYS, "FREQ=WEEKLY;COUNT=4", [date(2026, 7, 17)], *window, zone=zone)
    assert [o.start for o in found] == expected
    assert [o.end for o in found] == [d + THREE_DAYS for d in expected]
    assert [o.recurrence_id for o in found] == expected


# Wall-clock time across daylight saving changes


@pytest.mark.parametrize(("first", "utc_hours"), [
    (datetime(2026, 3, 16, 14, tzinfo=BERLIN), [13, 13, 12, 12]),  # summer time from March 29
    (datetime(2026, 10, 12, 14, tzinfo=BERLIN), [12, 12, 13, 13]),  # winter time from October 25
])
def test_a_berlin_meeting_stays_at_14_00_across_dst(first, utc_hours):
    found = occurrences_between(first, TWO_HOURS, "FREQ=WEEKLY;COUNT=4", [], *EVERYTHING)
    assert [(o.start.hour, o.end.hour) for o in found] == [(14, 16)] * 4
    assert [o.start.astimezone(UTC).hour for o in found] == utc_hours


def test_series_end_of_a_berlin_series_is_in_local_time():
    end = series_end(datetime(2026, 3, 16, 14, tzinfo=BERLIN), TWO_HOURS, "FREQ=WEEKLY;COUNT=4")
    assert end == datetime(2026, 4, 6, 16, tzinfo=BERLIN)
    assert end.utcoffset() == timedelta(hours=2)


# RFC semantics that surprise people


@pytest.mark.parametrize(("rrule", "expected"), [
    # From Aug 31, every 6 months: Feb 31 does not exist, so only Aug 31 each year.
    ("FREQ=MONTHLY;INTERVAL=6;COUNT=4", [date(2026, 8, 31), date(2027, 8, 31), date(2028, 8, 31), date(2029, 8, 31)]),
    # The last day of the month, every 6 months.
    ("FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=-1;COUNT=4",
     [date(2026, 8, 31), date(2027, 2, 28), date(2027, 8, 31), date(2028, 2, 29)]),
])
def test_day_31_plus_six_months_skips_short_months(rrule, expected):
    first = datetime(2026, 8, 31, 9, tzinfo=HCM)
    normalize_rrule(rrule, first)
    assert [s.date() for s in starts(first, TWO_HOURS, rrule)] == expected


# series_end: the range index


@pytest.mark.parametrize(("start", "duration", "rrule", "exdates", "expected"), [
    (REVIEW, TWO_HOURS, None, [], datetime(2020, 3, 5, 16, tzinfo=HCM)),
    (REVIEW, TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6;COUNT=10", [], datetime(2024, 9, 5, 16, tzinfo=HCM)),
    (REVIEW, TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6;UNTIL=20250304", [], datetime(2024, 9, 5, 16, tzinfo=HCM)),
    (REVIEW, TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6;UNTIL=20250305T235959", [], datetime(2025, 3, 5, 16, tzinfo=HCM)),
    # The last occurrence skipped: the one before ends the series.
    (REVIEW, TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6;COUNT=10", [datetime(2024, 9, 5, 14, tzinfo=HCM)],
     datetime(2024, 3, 5, 16, tzinfo=HCM)),
    # Every occurrence skipped: the first one's end, so the range index stays finite and small.
    (REVIEW, TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6;COUNT=2",
     [datetime(2020, 3, 5, 14, tzinfo=HCM), datetime(2020, 9, 5, 14, tzinfo=HCM)],
     datetime(2020, 3, 5, 16, tzinfo=HCM)),
    (REVIEW, TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6", [], None),
    (REVIEW, TWO_HOURS, "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", [], None),
    # A daily series over 100 years, its last 300 days skipped: found by searching back from the end.
    (REVIEW, TWO_HOURS, "FREQ=DAILY;UNTIL=21200304",
     [datetime(2120, 3, 4, 14, tzinfo=HCM) - timedelta(days=n) for n in range(300)],
     datetime(2119, 5, 9, 16, tzinfo=HCM)),
    (PROGRAM, THREE_DAYS, None, [], date(2026, 7, 6)),
    (PROGRAM, THREE_DAYS, "FREQ=WEEKLY;COUNT=4", [], date(2026, 7, 27)),
    (PROGRAM, THREE_DAYS, "FREQ=WEEKLY;UNTIL=20260724", [date(2026, 7, 24)], date(2026, 7, 20)),
    (PROGRAM, THREE_DAYS, "FREQ=WEEKLY", [], None),
])
def test_series_end(start, duration, rrule, exdates, expected):
    assert series_end(start, duration, rrule, exdates) == expected


# Cross-check against recurring_ical_events


CROSS_CHECKS = [
    (REVIEW, TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6;UNTIL=20250304", [datetime(2022, 3, 5, 14, tzinfo=HCM)],
     (datetime(2019, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC))),
    (REVIEW, TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6", [],
     (datetime(2070, 1, 1, tzinfo=UTC), datetime(2081, 1, 1, tzinfo=UTC))),
    (datetime(2026, 1, 31, 14, tzinfo=HCM), TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6;COUNT=7", [],
     (datetime(2026, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC))),
    (datetime(2026, 3, 16, 14, tzinfo=BERLIN), timedelta(hours=1), "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261231", [],
     (datetime(2026, 3, 20, tzinfo=UTC), datetime(2026, 11, 5, tzinfo=UTC))),
    (datetime(2026, 1, 30, 8, 30, tzinfo=HCM), timedelta(minutes=90), "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
     [], (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))),
    (datetime(2027, 11, 25, 9, tzinfo=HCM), TWO_HOURS, "FREQ=YEARLY;BYMONTH=11;BYDAY=-1TH;COUNT=5", [],
     (datetime(2027, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC))),
    (datetime(1976, 11, 23, 7, tzinfo=HCM), timedelta(hours=1), "FREQ=DAILY;INTERVAL=3", [],
     (datetime(2026, 11, 1, tzinfo=HCM), datetime(2026, 12, 1, tzinfo=HCM))),
    (datetime(2028, 2, 29, 10, tzinfo=HCM), TWO_HOURS, "FREQ=YEARLY;COUNT=3", [],
     (datetime(2028, 1, 1, tzinfo=UTC), datetime(2045, 1, 1, tzinfo=UTC))),
    (PROGRAM, THREE_DAYS, "FREQ=WEEKLY;COUNT=4", [date(2026, 7, 17)], (date(2026, 7, 12), date(2026, 8, 1))),
]


@pytest.mark.parametrize(("start", "duration", "rrule", "exdates", "window"), CROSS_CHECKS)
def test_expansion_agrees_with_recurring_ical_events(start, duration, rrule, exdates, window):
    expected = ical_starts(start, duration, normalize_rrule(rrule, start), exdates, window)
    if isinstance(start, datetime):
        ours = starts(start, duration, rrule, exdates, window)
    else:  # an all-day window given as dates: local midnights in the event zone
        ours = starts(start, duration, rrule, exdates,
                      tuple(datetime(d.year, d.month, d.day, tzinfo=HCM) for d in window), zone=HCM)
    assert expected  # the check means nothing on an empty window
    assert ours == expected


# Bounds on a single query


def test_a_daily_series_over_a_100_year_window_is_too_many():
    window = (datetime(2026, 1, 1, tzinfo=HCM), datetime(2126, 1, 1, tzinfo=HCM))
    with pytest.raises(TooManyOccurrences) as raised:
        occurrences_between(DAILY_MEETING, TWO_HOURS, "FREQ=DAILY", [], *window)
    assert isinstance(raised.value, RecurrenceError)
    assert "window" in str(raised.value)


def test_more_occurrences_than_the_limit_is_too_many():
    window = (datetime(2026, 1, 1, tzinfo=HCM), datetime(2046, 1, 1, tzinfo=HCM))  # about 7,200 days
    with pytest.raises(TooManyOccurrences) as raised:
        occurrences_between(DAILY_MEETING, TWO_HOURS, "FREQ=DAILY", [], *window)
    assert str(raised.value) == (f"more than {MAX_OCCURRENCES_PER_QUERY} occurrences fall in the requested "
                                 "window; ask for a shorter window")
    assert raised.value.limit == MAX_OCCURRENCES_PER_QUERY


@pytest.mark.parametrize(("limit", "outcome"), [(31, 31), (30, TooManyOccurrences)])
def test_the_limit_is_the_most_a_query_returns(limit, outcome):
    window = (datetime(2026, 6, 1, tzinfo=HCM), datetime(2026, 7, 2, tzinfo=HCM))  # 31 meetings
    if outcome is TooManyOccurrences:
        with pytest.raises(TooManyOccurrences):
            occurrences_between(DAILY_MEETING, TWO_HOURS, "FREQ=DAILY", [], *window, limit=limit)
    else:
        assert len(occurrences_between(DAILY_MEETING, TWO_HOURS, "FREQ=DAILY", [], *window, limit=limit)) == outcome


def test_a_window_far_after_the_start_gives_the_window_s_occurrences():
    first = datetime(1976, 11, 23, 14, tzinfo=HCM)  # a daily series started 50 years before the window
    window = (datetime(2026, 11, 1, tzinfo=HCM), datetime(2026, 12, 1, tzinfo=HCM))
    found = occurrences_between(first, TWO_HOURS, "FREQ=DAILY", [], *window)
    assert [o.start.day for o in found] == list(range(1, 31))


def test_an_unbounded_series_expands_centuries_ahead():
    window = (datetime(2526, 3, 1, tzinfo=HCM), datetime(2526, 10, 1, tzinfo=HCM))
    assert starts(REVIEW, TWO_HOURS, "FREQ=MONTHLY;INTERVAL=6", window=window) == [
        datetime(2526, 3, 5, 14, tzinfo=HCM), datetime(2526, 9, 5, 14, tzinfo=HCM)]


@pytest.mark.parametrize(("rrule", "window", "expected"), [
    # Every other week from Sunday 2020-03-01 (WKST=SU): 2040-01-01 starts week 1035, an odd one.
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH,SA;WKST=SU",
     (datetime(2040, 1, 1, tzinfo=HCM), datetime(2040, 2, 1, tzinfo=HCM)),
     [date(2040, 1, 12), date(2040, 1, 14), date(2040, 1, 26), date(2040, 1, 28)]),
    ("FREQ=YEARLY;INTERVAL=3", (datetime(2040, 1, 1, tzinfo=HCM), datetime(2051, 1, 1, tzinfo=HCM)),
     [date(2041, 3, 5), date(2044, 3, 5), date(2047, 3, 5), date(2050, 3, 5)]),
    ("FREQ=MONTHLY;BYDAY=1TH", (datetime(2061, 1, 1, tzinfo=HCM), datetime(2061, 4, 1, tzinfo=HCM)),
     [date(2061, 1, 6), date(2061, 2, 3), date(2061, 3, 3)]),
])
def test_jumping_ahead_keeps_the_rule(rrule, window, expected):
    normalize_rrule(rrule, REVIEW)
    found = starts(REVIEW, TWO_HOURS, rrule, window=window)
    assert [s.date() for s in found] == expected
    assert found == sorted(ical_starts(REVIEW, TWO_HOURS, rrule, [], window))


@pytest.mark.parametrize(("exdates", "start", "error"), [
    ([date(2022, 3, 5)], REVIEW, TypeError),
    ([datetime(2022, 3, 5, 14)], REVIEW, TypeError),
    ([datetime(2026, 7, 10, tzinfo=HCM)], PROGRAM, TypeError),
])
def test_exdates_must_match_the_start_type(exdates, start, error):
    with pytest.raises(error):
        series_end(start, THREE_DAYS, "FREQ=WEEKLY;COUNT=4", exdates)


@pytest.mark.parametrize(("start", "duration"), [
    (REVIEW, timedelta(hours=-1)),
    (PROGRAM, timedelta(0)),
    (PROGRAM, timedelta(hours=30)),
])
def test_durations_the_model_cannot_hold_are_refused(start, duration):
    with pytest.raises(ValueError):
        series_end(start, duration, None)


@pytest.mark.parametrize(("start", "rrule", "expected"), [
    (REVIEW, None, 1),
    (REVIEW, "FREQ=MONTHLY;INTERVAL=6;COUNT=10", 10),
    (PROGRAM, "FREQ=WEEKLY;COUNT=4", 4),
])
def test_windows_at_the_ends_of_the_calendar_do_not_overflow(start, rrule, expected):
    window = (datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC))
    duration = THREE_DAYS if isinstance(start, date) and not isinstance(start, datetime) else TWO_HOURS
    assert len(occurrences_between(start, duration, rrule, [], *window, zone=HCM)) == expected


def test_first_occurrence_between_answers_for_windows_too_large_to_list():
    from calendar_app.recurrence import first_occurrence_between
    window = (datetime(2030, 1, 1, tzinfo=HCM), datetime(9000, 1, 1, tzinfo=HCM))
    with pytest.raises(TooManyOccurrences):
        occurrences_between(DAILY_MEETING, TWO_HOURS, "FREQ=DAILY", [], *window)
    first = first_occurrence_between(DAILY_MEETING, TWO_HOURS, "FREQ=DAILY", [], *window)
    assert first.start == datetime(2030, 1, 1, DAILY_MEETING.hour, DAILY_MEETING.minute, tzinfo=HCM)
