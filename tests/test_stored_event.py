"""The typed stored event: read from a row once, every field set, its times and occurrences."""

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from calendar_app.eventtime import zone
from calendar_app.recurrence import Occurrence
from calendar_app.repositories import events
from calendar_app.stored_event import StoredEvent

HCM, BERLIN = zone("Asia/Ho_Chi_Minh"), zone("Europe/Berlin")


def stored(db, event):
    return StoredEvent.from_row(events.get_row(db, event["id"]))


@pytest.fixture
def berlin(make):
    """A weekly series in Berlin across the March 2026 change, with one EXDATE."""
    return make.event(title="Tọa đàm Berlin", timezone="Europe/Berlin", starts_at="2026-03-15T10:00:00+01:00",
                      ends_at="2026-03-15T11:30:00+01:00", rrule="FREQ=WEEKLY;COUNT=4",
                      exdates=["2026-03-22T10:00:00+01:00"])


def test_from_row_sets_every_field_as_the_constructor_would(db, berlin, make):
    """from_row fills the instance in one step: a field it forgot would be missing here."""
    all_day = make.event(title="Ngày hội tình nguyện", all_day=True, start_date="2026-07-01", end_date="2026-07-03",
                         starts_at=None, ends_at=None)
    for event in (berlin, all_day):
        typed = stored(db, event)
        names = [f.name for f in dataclasses.fields(StoredEvent)]
        assert list(vars(typed)) == [*names, "duration"]  # the fields, and the cached duration
        again = StoredEvent(**{name: getattr(typed, name) for name in names})
        assert again == typed and hash(again) == hash(typed)
        assert "duration" not in vars(again) and again.duration == typed.duration
        with pytest.raises(dataclasses.FrozenInstanceError):
            typed.title = "khác"


def test_a_timed_event_in_its_zone(db, berlin):
    typed = stored(db, berlin)
    assert (typed.start, typed.end) == (datetime(2026, 3, 15, 10, tzinfo=BERLIN), datetime(2026, 3, 15, 11, 30,
                                                                                              tzinfo=BERLIN))
    assert typed.start.utcoffset() == timedelta(hours=1)
    assert typed.exdates == (datetime(2026, 3, 22, 10, tzinfo=BERLIN),)
    assert typed.duration == timedelta(minutes=90)
    # The wall time stays at 10:00 after the change to summer time (UTC+2), the EXDATE is skipped.
    window = (datetime(2026, 3, 1, tzinfo=BERLIN), datetime(2026, 5, 1, tzinfo=BERLIN))
    assert [o.start for o in typed.occurrences(*window)] == [
        datetime(2026, 3, 15, 10, tzinfo=BERLIN), datetime(2026, 3, 29, 10, tzinfo=BERLIN),
        datetime(2026, 4, 5, 10, tzinfo=BERLIN)]
    assert typed.first_occurrence_between(datetime(2026, 3, 16, tzinfo=BERLIN), window[1]).start \
        == datetime(2026, 3, 29, 10, tzinfo=BERLIN)


def test_the_occurrence_at_an_indexed_instant_across_a_daylight_saving_change(db, berlin):
    typed = stored(db, berlin)
    after_change = datetime(2026, 3, 29, 10, tzinfo=BERLIN)
    assert typed.utc_span(after_change, after_change + typed.duration) == ("2026-03-29T08:00:00Z",
                                                                          "2026-03-29T09:30:00Z")
    assert typed.occurrence_starting("2026-03-29T08:00:00Z") == Occurrence(
        after_change, datetime(2026, 3, 29, 11, 30, tzinfo=BERLIN), after_change)
    with pytest.raises(LookupError, match="the occurrence index is stale"):
        typed.occurrence_starting("2026-03-29T09:00:00Z")
    assert typed.occurs_at(after_change)
    assert not typed.occurs_at(datetime(2026, 3, 22, 10, tzinfo=BERLIN))  # an EXDATE
    assert not typed.occurs_at(datetime(2026, 3, 29, 11, tzinfo=BERLIN))
    assert typed.recurrence_value("2026-03-29T08:00:00Z") == after_change


def test_an_all_day_event_keeps_its_days(db, make):
    event = make.event(title="Ngày hội tình nguyện", all_day=True, start_date="2026-07-01", end_date="2026-07-03",
                       starts_at=None, ends_at=None, timezone="Asia/Ho_Chi_Minh", rrule="FREQ=YEARLY;COUNT=3")
    typed = stored(db, event)
    assert (typed.start, typed.end, typed.duration) == (date(2026, 7, 1), date(2026, 7, 3), timedelta(days=3))
    assert typed.occurrence_from(date(2027, 7, 1)) == Occurrence(date(2027, 7, 1), date(2027, 7, 4), date(2027, 7, 1))
    assert typed.utc_span(date(2027, 7, 1), date(2027, 7, 4)) == ("2027-06-30T17:00:00Z", "2027-07-03T17:00:00Z")
    assert typed.occurrence_starting("2027-06-30T17:00:00Z").start == date(2027, 7, 1)
    assert typed.occurs_at(date(2028, 7, 1)) and not typed.occurs_at(date(2029, 7, 1))


def test_fields_give_back_what_was_written(db, make):
    """The form's values: an event written from them reads back as the same fields."""
    event = make.event(title="Hội nghị “Đổi mới sáng tạo”", location="Đắk Lắk", timezone="Europe/Berlin",
                       starts_at="2026-10-25T01:30:00+02:00", ends_at="2026-10-25T02:30:00+01:00",
                       rrule="FREQ=DAILY;COUNT=3", exdates=["2026-10-26T01:30:00+01:00"],
                       chair="Đ/c Bí thư Đảng ủy Khối", attendees="Các ban Đảng", emphasis=True)
    fields = stored(db, event).fields()
    assert fields == {
        "title": "Hội nghị “Đổi mới sáng tạo”", "kind": "joint_workshop", "description": None, "location": "Đắk Lắk",
        "url": None, "status": "confirmed", "status_reason": None, "visibility": "public",
        "timezone": "Europe/Berlin", "all_day": False,
        "chair": "Đ/c Bí thư Đảng ủy Khối", "attendees": "Các ban Đảng", "preparation": None, "note": None,
        "emphasis": True,
        "starts_at": datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN),
        "ends_at": datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN),
        "start_date": None, "end_date": None, "rrule": "FREQ=DAILY;COUNT=3",
        "exdates": [datetime(2026, 10, 26, 1, 30, tzinfo=BERLIN)]}
    # Two elapsed hours across the autumn change, though the wall clock moved by one.
    assert stored(db, event).duration == timedelta(hours=2)
    assert events.stored_to_fields(events.get_row(db, event["id"])) == fields
