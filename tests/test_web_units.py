"""The pages' pure parts: form → API JSON, plain-words errors, repetition words, translations, the limiter."""

import re
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from calendar_app.web import errors as web_errors
from calendar_app.web import forms, labels, pages
from calendar_app.web.ratelimit import AttemptLimiter, Refusal

WEB = Path(forms.__file__).parent


@pytest.fixture
def vietnamese(app):
    with app.test_request_context("/"):
        yield


@pytest.fixture
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


@pytest.mark.parametrize("fields, rrule", [
    ({"repeat": "none", "interval": "6", "until": "2029-12-31"}, None),
    ({"repeat": "weekly", "interval": "1", "until": ""}, "FREQ=WEEKLY"),
    ({"repeat": "monthly", "interval": "6", "until": "2029-12-31"}, "FREQ=MONTHLY;UNTIL=20291231;INTERVAL=6"),
    ({"repeat": "yearly", "interval": "", "until": ""}, "FREQ=YEARLY"),
    ({"repeat": "custom", "rrule_custom": " FREQ=MONTHLY;BYDAY=1MO "}, "FREQ=MONTHLY;BYDAY=1MO"),
    ({"repeat": "hourly", "interval": "1"}, None),
])
def test_repetition_in_plain_words_becomes_an_rrule(fields, rrule):
    assert forms.build_rrule(MultiDict(fields)) == rrule


@pytest.mark.parametrize("rrule, tz, values", [
    (None, "Asia/Ho_Chi_Minh", {"repeat": "none", "interval": "1", "until": "", "rrule_custom": ""}),
    ("FREQ=MONTHLY;UNTIL=20291231T165959Z;INTERVAL=6", "Asia/Ho_Chi_Minh",
     {"repeat": "monthly", "interval": "6", "until": "2029-12-31", "rrule_custom": ""}),
    ("FREQ=YEARLY;UNTIL=20300105", "Asia/Ho_Chi_Minh",
     {"repeat": "yearly", "interval": "1", "until": "2030-01-05", "rrule_custom": ""}),
    ("FREQ=WEEKLY;INTERVAL=2", "Europe/Paris", {"repeat": "weekly", "interval": "2", "until": "", "rrule_custom": ""}),
    ("FREQ=MONTHLY;BYDAY=1MO", "Asia/Ho_Chi_Minh",
     {"repeat": "custom", "interval": "1", "until": "", "rrule_custom": "FREQ=MONTHLY;BYDAY=1MO"}),
    ("FREQ=DAILY;COUNT=3", "Asia/Ho_Chi_Minh",
     {"repeat": "custom", "interval": "1", "until": "", "rrule_custom": "FREQ=DAILY;COUNT=3"}),
])
def test_a_stored_rrule_comes_back_as_plain_words(rrule, tz, values):
    assert forms.repeat_values(rrule, tz) == values


def test_a_timed_form_becomes_the_api_json_shape():
    form = MultiDict([("title", "  Lễ ký kết  "), ("kind", "signing_ceremony"), ("agreement", ""),
                      ("organizations", "tap-chi-cong-san"), ("organizations", ""), ("organizations", "bo-tt-tt"),
                      ("starts_at", "2020-03-05T14:00"), ("ends_at", "2020-03-05T16:00"),
                      ("start_date", "2020-03-05"), ("timezone", "Asia/Ho_Chi_Minh"), ("repeat", "none"),
                      ("location", ""), ("description", "Dòng 1\r\nDòng 2\r\n"), ("url", ""), ("status", "tentative"),
                      ("visibility", "internal"), ("exdates", "2020-09-05T14:00:00+07:00"),
                      ("chair", " Đ/c Bí thư "), ("attendees", ""), ("emphasis", "on")])
    assert forms.event_payload(form) == {
        "title": "Lễ ký kết", "kind": "signing_ceremony", "agreement": None,
        "organizations": ["tap-chi-cong-san", "bo-tt-tt"], "description": "Dòng 1\nDòng 2", "location": None,
        "url": None, "status": "tentative", "visibility": "internal", "all_day": False,
        "chair": "Đ/c Bí thư", "attendees": None, "preparation": None, "note": None, "emphasis": True,
        "timezone": "Asia/Ho_Chi_Minh", "starts_at": "2020-03-05T14:00:00+07:00",
        "ends_at": "2020-03-05T16:00:00+07:00", "rrule": None}


def test_an_all_day_form_sends_days_only_and_empty_required_fields_are_left_out(app):
    form = MultiDict({"all_day": "on", "start_date": "2021-01-25", "end_date": "", "starts_at": "2021-01-25T08:00",
                      "timezone": "", "title": "   ", "kind": ""})
    with app.app_context():  # an empty zone is DEFAULT_TIMEZONE's
        payload = forms.event_payload(form)
    assert "title" not in payload and "kind" not in payload and "starts_at" not in payload
    assert (payload["all_day"], payload["start_date"], payload["end_date"], payload["timezone"]) == (
        True, "2021-01-25", None, "Asia/Ho_Chi_Minh")


@pytest.mark.parametrize("value, tz, expected", [
    ("2026-07-01T09:00", "Europe/Paris", "2026-07-01T09:00:00+02:00"),
    ("2026-01-01T09:00", "Europe/Paris", "2026-01-01T09:00:00+01:00"),
    ("2026-01-01T09:00", "Asia/Atlantis", "2026-01-01T09:00:00+07:00"),  # the schema reports the zone itself
    ("15/12/2026 08:30", "Asia/Ho_Chi_Minh", "15/12/2026 08:30"),  # left for the schema to refuse
])
def test_datetime_local_values_get_the_offset_of_their_zone(app, value, tz, expected):
    with app.app_context():  # an unknown zone is DEFAULT_TIMEZONE's
        assert forms.local_instant(value, tz) == expected


@pytest.mark.parametrize("message, field, vi, en", [
    ("Missing data for required field.", "title", "Vui lòng điền mục này.", "This field is required."),
    ("Length must be between 0 and 500.", "location", "Không được dài quá 500 ký tự.",
     "Must be at most 500 characters long."),
    ("Length must be between 1 and 300.", "title", "Phải dài từ 1 đến 300 ký tự.",
     "Must be between 1 and 300 characters long."),
    ("Must be one of: confirmed, tentative, cancelled.", "status", "Hãy chọn một mục trong danh sách.",
     "Choose one of the options in the list."),
    ("Must be greater than or equal to 1 and less than or equal to 120.", "review_every_months",
     "Hãy nhập một số từ 1 đến 120.", "Enter a number from 1 to 120."),
    ("Unknown organization 'khong-co'.", "organizations", "Không có cơ quan, tổ chức “khong-co”.",
     "There is no organization “khong-co”."),
    # Issue 12: never the RRULE words; field_errors puts each on its field (test_web.py).
    ("INTERVAL must be a whole number between 1 and 1000", "rrule",
     "Hãy nhập cách nhau bao nhiêu tuần, tháng hoặc năm: một số nguyên từ 1 đến 1000.",
     "Enter how many weeks, months or years apart, a whole number from 1 to 1000."),
    ("Something new.", "title", "Something new.", "Something new."),
])
def test_schema_messages_in_plain_words(app, message, field, vi, en):
    with app.test_request_context("/"):
        assert forms.plain(message, field) == vi
    with app.test_request_context("/?lang=en"):
        assert forms.plain(message, field) == en


def test_nested_errors_are_flattened_to_their_field(vietnamese):
    shown = forms.field_errors({"organizations": {0: ["Longer than maximum length 80."]},
                                "rrule": ["bad"], "exdates": {1: ["Not a valid date."]}, "_schema": ["x"]},
                               forms.EVENT_ALIASES)
    assert shown == {"organizations": ["Không được dài quá 80 ký tự."],
                     "repeat": ["Cách lặp lại này không dùng được; hãy chọn cách khác.", "Hãy nhập một ngày hợp lệ."],
                     "_form": ["x"]}


def test_party_errors_go_to_the_row_they_came_from(vietnamese):
    shown = forms.agreement_errors({"parties": {1: {"signatory_name": ["Length must be between 0 and 200."]}},
                                    "title": ["Missing data for required field."]}, rows=[0, 2])
    assert shown == {"title": ["Vui lòng điền mục này."],
                     "parties-2-signatory_name": ["Không được dài quá 200 ký tự."]}


@pytest.mark.parametrize("rrule, vi", [
    ("FREQ=MONTHLY;UNTIL=20251231T165959Z;INTERVAL=6", "6 tháng một lần đến ngày 31/12/2025"),
    ("FREQ=YEARLY", "Hằng năm"),
    ("FREQ=WEEKLY;INTERVAL=2", "2 tuần một lần"),
    ("FREQ=MONTHLY;BYDAY=1MO", "Lặp lại theo quy tắc FREQ=MONTHLY;BYDAY=1MO"),
    (None, None),
])
def test_repetition_is_described_in_words(vietnamese, rrule, vi):
    assert pages.describe_repetition(rrule, "Asia/Ho_Chi_Minh") == vi


def test_the_limiter_delays_a_username_more_after_each_failure_in_a_sliding_window(db):
    now = [1000.0]
    limiter = AttemptLimiter(free=3, window=900, delay=2, max_delay=5, per_address=100, clock=lambda: now[0])
    for _ in range(3):
        assert isinstance(limiter.admit(db, "Bien-Tap", "127.0.0.1"), int)
    assert limiter.admit(db, "bien-tap", "10.0.0.2") == Refusal("username", 2)  # case-blind, from anywhere
    assert isinstance(limiter.admit(db, "thu-ky", "127.0.0.1"), int)  # another username is not held up
    now[0] += 2
    assert isinstance(limiter.admit(db, "bien-tap", "127.0.0.1"), int)
    assert limiter.admit(db, "bien-tap", "127.0.0.1") == Refusal("username", 4)
    now[0] += 4
    assert isinstance(limiter.admit(db, "bien-tap", "127.0.0.1"), int)
    assert limiter.admit(db, "bien-tap", "127.0.0.1") == Refusal("username", 5)  # capped at max_delay
    now[0] += 900  # the window forgets every failure
    assert isinstance(limiter.admit(db, "bien-tap", "127.0.0.1"), int)
    limiter.succeeded(db, "BIEN-TAP")
    assert db.execute("select count(*) from signin_attempts where username = 'bien-tap'").fetchone()[0] == 0


def test_the_limiter_refuses_an_address_after_its_failures_over_every_username(db):
    now = [1000.0]
    limiter = AttemptLimiter(free=5, window=900, per_address=3, clock=lambda: now[0])
    for n in range(3):
        assert isinstance(limiter.admit(db, f"user-{n}", "192.0.2.1"), int)
        now[0] += 100
    assert limiter.admit(db, "user-9", "192.0.2.1") == Refusal("address", 600)  # until the first one expires
    assert isinstance(limiter.admit(db, "user-9", "192.0.2.2"), int)


def test_the_limiter_is_shared_by_every_connection_to_the_database(app):
    """Two gunicorn workers are two connections: attempts in one count in the other."""
    from calendar_app.db import open_app_db
    limiter = AttemptLimiter(free=2, window=900)
    first, second = open_app_db(app), open_app_db(app)
    try:
        assert isinstance(limiter.admit(first, "bien-tap", "127.0.0.1"), int)
        assert isinstance(limiter.admit(second, "bien-tap", "127.0.0.1"), int)
        assert isinstance(limiter.admit(first, "bien-tap", "127.0.0.1"), Refusal)
        assert isinstance(limiter.admit(second, "bien-tap", "127.0.0.1"), Refusal)
    finally:
        first.close()
        second.close()
