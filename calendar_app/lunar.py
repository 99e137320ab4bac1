"""Vietnam's lunar calendar (âm lịch) for a day, and lunar dates back to days, through lunar-vn at UTC+7.

Vietnam's calendar is computed at UTC+7, China's at UTC+8; they differ in 1985, 2007, 2030, 2053 and
other years, so the time zone is always passed. lunar-vn accepts impossible dates silently (30/12 in a
29-day month comes back as 1/1 of the next year): every conversion to a day is checked by going back.
"""

from datetime import date, timedelta
from typing import NamedTuple

from lunar_vn import LunarDate, lunar_to_solar, solar_to_lunar

VIETNAM_UTC_OFFSET = 7.0
FIRST_YEAR, LAST_YEAR = 1900, 2100  # what lunar-vn supports (solar years)


class LunarDay(NamedTuple):
    """One day's lunar date, with the short label the month and week views show."""

    day: int
    month: int
    year: int
    leap: bool

    @property
    def month_text(self) -> str:
        """'4' or, for a leap month, '4N' (tháng tư nhuận)."""
        return f"{self.month}{'N' if self.leap else ''}"

    @property
    def label(self) -> str:
        """'1/1' on Tết, '1/4' on the first of every month (with its month), 'Rằm' on the 15th, else the day."""
        if self.day == 1:
            return f"1/{self.month_text}"
        if self.day == 15:
            return "Rằm"
        return str(self.day)

    @property
    def full(self) -> str:
        """'15/8/2026 âm lịch' (the day written out, for titles and screen readers)."""
        return f"{self.day}/{self.month_text}/{self.year} âm lịch"


class ImpossibleLunarDate(ValueError):
    """A lunar date that no day has (a 30th in a 29-day month, a leap month the year does not have)."""


def lunar_day(day: date) -> LunarDay | None:
    """The lunar date of a day in Vietnam's calendar; None outside the years lunar-vn knows."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    found = solar_to_lunar(day, time_zone=VIETNAM_UTC_OFFSET)
    return LunarDay(found.day, found.month, found.year, found.leap)


def solar_day(day: int, month: int, year: int, leap: bool = False) -> date:
    """The day of a lunar date, or ImpossibleLunarDate with a message saying why that date does not exist."""
    name = f"{day}/{month}{' (leap)' if leap else ''}/{year}"
    if not FIRST_YEAR <= year < LAST_YEAR:
        raise ImpossibleLunarDate(f"Lunar dates are known for the years {FIRST_YEAR} to {LAST_YEAR - 1}.")
    try:
        found = lunar_to_solar(LunarDate(day, month, year, leap), time_zone=VIETNAM_UTC_OFFSET)
    except ValueError as error:  # a day or month out of range, or a leap flag lunar-vn itself refuses
        raise ImpossibleLunarDate(f"The lunar date {name} does not exist: {error}.") from error
    if lunar_day(found) != (day, month, year, leap):  # lunar-vn's silent roll-over
        month_exists = day == 30 and lunar_day(found - timedelta(days=1)) == (29, month, year, leap)
        if leap and not month_exists:
            raise ImpossibleLunarDate(f"The lunar date {name} does not exist: {year} has no leap month {month}.")
        raise ImpossibleLunarDate(f"The lunar date {name} does not exist: that month has 29 days.")
    return found


def solar_day_or_none(day: int, month: int, year: int, leap: bool = False) -> date | None:
    """The day of a lunar date, or None when that year has no such date (a yearly series skips it)."""
    try:
        return solar_day(day, month, year, leap)
    except ImpossibleLunarDate:
        return None
