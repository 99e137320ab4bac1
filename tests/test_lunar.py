"""The lunar calendar at UTC+7 (Vietnam, not China's UTC+8), with lunar-vn's silent roll-over guarded."""

from datetime import date, datetime, timedelta

import pytest
from lunar_vn import LunarDate, lunar_to_solar, solar_to_lunar

from calendar_app.lunar import ImpossibleLunarDate, lunar_day, solar_day, solar_day_or_none


def test_the_week_of_tet_2027():
    """Tết 2027 is Saturday 6 February: '1/1' there, the lunar 12th month's last days before it."""
    week = [lunar_day(date(2027, 2, 1) + timedelta(days=n)) for n in range(7)]
    assert [(d.day, d.month, d.year) for d in week] == [
        (25, 12, 2026), (26, 12, 2026), (27, 12, 2026), (28, 12, 2026), (29, 12, 2026), (1, 1, 2027), (2, 1, 2027)]
    assert [d.label for d in week] == ["25", "26", "27", "28", "29", "1/1", "2"]


def test_the_full_moon_and_the_first_of_each_month_are_named():
    assert lunar_day(date(2027, 2, 20)).label == "Rằm"  # 15/1/2027, Tết Nguyên Tiêu
    assert lunar_day(date(2027, 3, 8)).label == "1/2"
    assert lunar_day(date(2025, 7, 25)).label == "1/6N"  # the leap sixth month of 2025
    assert lunar_day(date(2025, 7, 25)).full == "1/6N/2025 âm lịch"


@pytest.mark.parametrize("day, vietnam, china", [
    (date(2007, 2, 17), (1, 1, 2007), (30, 12, 2006)),  # Tết 2007: China's is 18 February
    (date(1985, 1, 21), (1, 1, 1985), (1, 12, 1984)),   # Tết 1985: China's is 20 February
])
def test_vietnam_counts_at_utc_plus_7_not_china_at_utc_plus_8(day, vietnam, china):
    found = lunar_day(day)
    assert (found.day, found.month, found.year) == vietnam
    chinese = solar_to_lunar(day, time_zone=8.0)  # the library itself, to show the cases really differ
    assert (chinese.day, chinese.month, chinese.year) == china
    assert solar_day(*vietnam) == day


def test_lunar_vn_rolls_an_impossible_date_over_silently_and_we_refuse_it():
    assert lunar_to_solar(LunarDate(30, 12, 2021)) == date(2022, 2, 1)  # the hazard: that is 1/1/2022
    with pytest.raises(ImpossibleLunarDate, match="The lunar date 30/12/2021 does not exist: that month has 29 days"):
        solar_day(30, 12, 2021)
    assert solar_day(29, 12, 2021) == date(2022, 1, 31)


@pytest.mark.parametrize("args, message", [
    ((1, 5, 2027, True), "2027 has no leap month 5"),
    ((31, 1, 2027, False), "lunar day must be 1-30"),
    ((1, 13, 2027, False), "lunar month must be 1-12"),
    ((1, 1, 2100, False), "known for the years 1900 to 2099"),
])
def test_other_impossible_dates_are_refused_with_the_reason(args, message):
    with pytest.raises(ImpossibleLunarDate, match=message):
        solar_day(*args)
    assert solar_day_or_none(*args) is None


def test_gio_to_hung_vuong_is_10_3_lunar():
    assert [solar_day(10, 3, year) for year in (2026, 2027, 2028)] == [date(2026, 4, 26), date(2027, 4, 16),
                                                                       date(2028, 4, 4)]


def test_days_outside_the_supported_years_have_no_lunar_date():
    assert lunar_day(date(1899, 12, 31)) is None and lunar_day(date(2101, 1, 1)) is None


# --- lunar_yearly: every year on the first occurrence's lunar date, written out as RDATEs in feeds ---

GIO_TO = {"title": "Lễ dâng hương Giỗ Tổ Hùng Vương", "kind": "other", "rrule": "FREQ=LUNAR_YEARLY;COUNT=4",
          "starts_at": "2026-04-26T08:00:00+07:00", "ends_at": "2026-04-26T10:00:00+07:00"}


def test_a_lunar_yearly_rule_expands_to_the_lunar_date_of_each_year():
    from zoneinfo import ZoneInfo

    from calendar_app.recurrence import explicit_dates, normalize_rrule
    start = datetime(2026, 4, 26, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert normalize_rrule("freq=lunar_yearly;count=4", start) == "FREQ=LUNAR_YEARLY;COUNT=4"
    assert [d.date() for d in explicit_dates("FREQ=LUNAR_YEARLY;COUNT=4", start)] == [
        date(2026, 4, 26), date(2027, 4, 16), date(2028, 4, 4), date(2029, 4, 23)]
    assert explicit_dates("FREQ=YEARLY", start) is None  # RFC rules stay RRULEs
    # 30/12 âm lịch: in years whose 12th month has 29 days the 29th is kept, not 1/1 of the next year
    eve = explicit_dates("FREQ=LUNAR_YEARLY;COUNT=3", lunar_to_solar(LunarDate(30, 12, 2022)))
    assert [lunar_day(d)[:3] for d in eve] == [(30, 12, 2022), (30, 12, 2023), (29, 12, 2024)]


@pytest.mark.parametrize("rrule, message", [
    ("FREQ=LUNAR_YEARLY;INTERVAL=2", "takes only COUNT or UNTIL"),
    ("FREQ=LUNAR_YEARLY;COUNT=5000", "COUNT must be a whole number between 1 and 1000"),
])
def test_a_lunar_yearly_rule_is_bounded_like_the_others(client, auth, rrule, message):
    response = client.post("/api/v1/events", json={**GIO_TO, "rrule": rrule}, headers=auth)
    assert response.status_code == 422 and message in str(response.get_json()["errors"]["rrule"])


def test_a_lunar_yearly_event_in_the_api_the_occurrences_and_the_feed(client, auth, make):
    import recurring_ical_events
    from icalendar import Calendar

    organization = make.organization()
    created = client.post("/api/v1/events", json={**GIO_TO, "organizations": [organization["slug"]]}, headers=auth)
    assert created.status_code == 201 and created.get_json()["rrule"] == "FREQ=LUNAR_YEARLY;COUNT=4"
    listed = client.get("/api/v1/occurrences?from=2026-01-01T00:00:00Z&to=2031-01-01T00:00:00Z").get_json()["items"]
    assert [o["starts_at"][:10] for o in listed] == ["2026-04-26", "2027-04-16", "2028-04-04", "2029-04-23"]
    feed = client.get(f"/feeds/organizations/{organization['slug']}.ics").data
    assert b"RRULE" not in feed and b"RSCALE" not in feed and b"RDATE;TZID=Asia/Ho_Chi_Minh:" in feed
    found = recurring_ical_events.of(Calendar.from_ical(feed)).between(date(2026, 1, 1), date(2031, 1, 1))
    assert sorted(e.decoded("DTSTART").date() for e in found) == [
        date(2026, 4, 26), date(2027, 4, 16), date(2028, 4, 4), date(2029, 4, 23)]


def test_the_form_offers_lunar_yearly_as_one_repetition_choice(app):
    from werkzeug.datastructures import MultiDict

    from calendar_app.web import forms, pages
    form = MultiDict({"repeat": "lunar_yearly", "interval": "3", "until": "2035-12-31"})
    assert forms.build_rrule(form) == "FREQ=LUNAR_YEARLY;UNTIL=20351231"  # every year: N does not apply
    assert forms.repeat_values("FREQ=LUNAR_YEARLY;UNTIL=20351231", "Asia/Ho_Chi_Minh")["repeat"] == "lunar_yearly"
    with app.test_request_context("/"):
        assert pages.describe_repetition("FREQ=LUNAR_YEARLY;UNTIL=20351231", "Asia/Ho_Chi_Minh") == \
            "Hằng năm theo ngày âm lịch đến ngày 31/12/2035"
    with app.test_request_context("/events/new"):
        from flask import render_template_string
        assert "Hằng năm theo ngày âm lịch" in render_template_string(
            "{% for v, w in choices('repeat') %}{{ w }};{% endfor %}")
