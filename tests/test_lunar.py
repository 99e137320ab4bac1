"""The lunar calendar at UTC+7 (Vietnam, not China's UTC+8), with lunar-vn's silent roll-over guarded."""

from datetime import date, timedelta

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
