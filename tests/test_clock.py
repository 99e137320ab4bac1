"""The clock: the one owner of "now", which tests hold through the `clock` fixture."""

from datetime import date, datetime, timedelta, timezone

import pytest

from calendar_app import clock as app_clock
from calendar_app.feeds import window


def test_a_held_clock_is_what_every_reader_sees(clock):
    clock.set(datetime(2026, 11, 1, 23, 59, 59, 900000, tzinfo=timezone(timedelta(hours=7))))
    assert app_clock.utc_now() == datetime(2026, 11, 1, 16, 59, 59, tzinfo=timezone.utc)
    assert app_clock.now_stored() == "2026-11-01T16:59:59Z"
    assert window.today() == date(2026, 11, 1)
    clock.advance(timedelta(hours=8))
    assert window.today() == date(2026, 11, 2)


def test_a_day_means_noon_utc(clock):
    assert clock.set(date(2026, 3, 8)) == datetime(2026, 3, 8, 12, tzinfo=timezone.utc)


def test_releasing_gives_the_system_clock_back(clock):
    clock.set(date(2001, 1, 1))
    app_clock.hold(None)
    assert abs(app_clock.utc_now() - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_a_naive_instant_cannot_be_held():
    with pytest.raises(ValueError, match="naive"):
        app_clock.hold(datetime(2026, 11, 1, 12))
