"""Holidays: seeded from `holidays`, edited through /api/v1/holidays and /holidays, in a feed, shaded with lunar dates,
and warned about (never refused) when an event is put on one or on a weekend."""

import re

import pytest
from icalendar import Calendar

from calendar_app.db import get_db
from calendar_app.repositories import holidays

from conftest import make_token
from test_web import create_editor, csrf_token, event_form, post_form, sign_in

TET_2027 = {"starts_at": "2027-02-06T08:00:00+07:00", "ends_at": "2027-02-06T10:00:00+07:00"}
WEEKDAY = {"starts_at": "2027-02-03T08:00:00+07:00", "ends_at": "2027-02-03T10:00:00+07:00"}


def rows_of(app, year: int) -> list[tuple[str, str, str]]:
    with app.app_context():
        items, _total = holidays.list_holidays(get_db(), year, 500, 0)
    return [(item["day"], item["kind"], item["name"]) for item in items]


def test_the_seed_holds_2026_and_2027_as_the_package_gives_them(app):
    y2026 = rows_of(app, 2026)
    assert ("2026-11-24", "holiday", "Ngày Văn hóa Việt Nam") in y2026  # from 2026 on
    assert ("2026-04-26", "holiday", "Ngày Giỗ Tổ Hùng Vương") in y2026  # 10/3 âm lịch, a Sunday
    assert ("2026-04-27", "day_off", "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)") in y2026
    assert ("2026-08-31", "day_off", "Ngày nghỉ (thay cho ngày 22/08/2026)") in y2026  # the year's swap
    assert ("2026-08-22", "working_day", "Ngày làm bù (cho ngày nghỉ 31/08/2026)") in y2026
    assert len(y2026) == 15
    y2027 = rows_of(app, 2027)
    assert ("2027-02-06", "holiday", "Tết Nguyên Đán") in y2027
    assert ("2027-05-03", "day_off", "Ngày Quốc tế Lao động (nghỉ bù)") in y2027
    assert ("2027-11-24", "holiday", "Ngày Văn hóa Việt Nam") in y2027
    assert len(y2027) == 15


def test_holidays_are_public_to_read_and_editable_through_the_api(client, auth):
    listed = client.get("/api/v1/holidays?year=2027&limit=2")
    assert listed.status_code == 200 and listed.get_json()["total"] == 15 and listed.get_json()["next"]
    created = client.post("/api/v1/holidays", json={"day": "2027-09-01", "name": "Nghỉ lễ Quốc khánh (bổ sung)",
                                                    "kind": "day_off"}, headers=auth)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert {k: body[k] for k in ("day", "name", "kind", "source")} == {
        "day": "2027-09-01", "name": "Nghỉ lễ Quốc khánh (bổ sung)", "kind": "day_off", "source": "editor"}
    path = created.headers["Location"]
    read = client.get(path)
    assert read.get_json() == body
    changed = client.patch(path, json={"name": "Nghỉ Quốc khánh"}, headers={**auth, "If-Match": read.headers["ETag"]})
    assert changed.status_code == 200 and changed.get_json()["name"] == "Nghỉ Quốc khánh"
    assert client.patch(path, json={"name": "x"}, headers={**auth, "If-Match": read.headers["ETag"]}).status_code == 412
    assert client.delete(path, headers=auth).status_code == 204
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"name": "Không có ngày"}, "day"),
    ({"day": "2027-02-30", "name": "Ngày không có"}, "day"),
    ({"day": "2027-02-06", "name": ""}, "name"),
    ({"day": "2027-02-06", "name": "Tết\nX-INJ:1"}, "name"),
    ({"day": "2027-02-06", "name": "Tết", "kind": "vacation"}, "kind"),
])
def test_a_bad_holiday_is_refused_field_by_field_and_nothing_is_written(app, client, auth, body, field):
    before = rows_of(app, 2027)
    response = client.post("/api/v1/holidays", json=body, headers=auth)
    assert response.status_code == 422 and list(response.get_json()["errors"]) == [field]
    assert rows_of(app, 2027) == before


def test_the_same_name_twice_on_a_day_is_a_conflict(client, auth):
    response = client.post("/api/v1/holidays", json={"day": "2027-02-06", "name": "Tết Nguyên Đán"}, headers=auth)
    assert response.status_code == 409 and "name" in response.get_json()["errors"]


def test_the_holidays_feed_lists_the_days_and_answers_304_until_one_changes(client, auth):
    first = client.get("/feeds/holidays.ics")
    assert first.status_code == 200 and first.content_type == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(first.data)
    days = {(str(e.get("SUMMARY")), e.decoded("DTSTART").isoformat()) for e in calendar.walk("VEVENT")}
    assert ("Tết Nguyên Đán", "2027-02-06") in days and ("Ngày Văn hóa Việt Nam", "2026-11-24") in days
    assert all(e.get("TRANSP") == "TRANSPARENT" for e in calendar.walk("VEVENT"))
    assert client.get("/feeds/holidays.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get("/feeds/holidays.ics").data == first.data  # the same data, the same bytes
    client.post("/api/v1/holidays", json={"day": "2027-12-31", "name": "Ngày nghỉ thêm"}, headers=auth)
    again = client.get("/feeds/holidays.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "Ngày nghỉ thêm" in again.get_data(as_text=True)


def test_an_event_on_a_holiday_or_a_weekend_is_saved_with_warnings(client, auth, make):
    organization = make.organization()
    base = {"title": "Gặp mặt đầu xuân", "kind": "other", "organizations": [organization["slug"]]}
    on_tet = client.post("/api/v1/events", json={**base, **TET_2027}, headers=auth)
    assert on_tet.status_code == 201
    assert on_tet.get_json()["warnings"] == [{"day": "2027-02-06", "kind": "holiday", "name": "Tết Nguyên Đán",
                                              "message": "2027-02-06 is a day off: Tết Nguyên Đán."}]
    weekday = client.post("/api/v1/events", json={**base, **WEEKDAY}, headers=auth)
    assert weekday.status_code == 201 and "warnings" not in weekday.get_json()
    event_path = f"/api/v1/events/{weekday.get_json()['id']}"
    moved = client.patch(event_path, json={"starts_at": "2027-02-07T08:00:00+07:00",
                                           "ends_at": "2027-02-07T10:00:00+07:00"}, headers=auth)
    assert moved.status_code == 200
    assert [w["kind"] for w in moved.get_json()["warnings"]] == ["holiday"]  # a Sunday, and Mùng hai Tết
    renamed = client.patch(event_path, json={"title": "Gặp mặt"}, headers=auth)
    assert renamed.status_code == 200 and "warnings" not in renamed.get_json()  # not moved: nothing new to say
    assert renamed.headers["ETag"] == client.get(event_path).headers["ETag"]
    saturday = client.post("/api/v1/events", json={**base, "all_day": True, "start_date": "2027-03-13",
                                                    "end_date": "2027-03-14"}, headers=auth)
    assert [(w["day"], w["kind"], w["name"]) for w in saturday.get_json()["warnings"]] == [
        ("2027-03-13", "weekend", None), ("2027-03-14", "weekend", None)]
    worked = client.post("/api/v1/events", json={**base, "all_day": True, "start_date": "2026-08-22"}, headers=auth)
    assert "warnings" not in worked.get_json()  # a Saturday made a working day


def test_the_month_view_shows_lunar_dates_and_shades_holidays(client):
    html = client.get("/?month=2027-02").get_data(as_text=True)
    cell = re.search(r'<td class="[^"]*" data-date="2027-02-06">(.*?)</td>', html, re.S).group(1)
    assert 'title="1/1/2027 âm lịch"' in cell and ">1/1</span>" in cell
    assert '<span class="holiday" lang="vi">Tết Nguyên Đán</span>' in cell
    full_moon = re.search(r'data-date="2027-02-20">(.*?)</td>', html, re.S).group(1)
    assert "Rằm</span>" in full_moon and "holiday" not in full_moon
    english = client.get("/?month=2027-02&lang=en").get_data(as_text=True)
    assert "Lunar date: </span>1/1" in english and '<abbr title="Saturday">Sat</abbr>' in english


@pytest.fixture
def editor(app, client):
    create_editor(app)
    assert sign_in(client).status_code == 302
    return client


def test_editors_add_and_remove_days_on_the_holidays_page(app, editor):
    page = editor.get("/holidays?year=2027").get_data(as_text=True)
    assert "Tết Nguyên Đán" in page and "Thứ Bảy, 06/02/2027" in page
    bad = post_form(editor, "/holidays?year=2027", {"day": "", "name": "Nghỉ", "kind": "holiday"})
    assert bad.status_code == 422 and "Vui lòng điền mục này." in bad.get_data(as_text=True)
    saved = post_form(editor, "/holidays?year=2027", {"day": "2027-12-31", "name": "Nghỉ cuối năm", "kind": "day_off"})
    assert saved.status_code == 302
    assert ("2027-12-31", "day_off", "Nghỉ cuối năm") in rows_of(app, 2027)
    holiday_id = next(h["id"] for h in editor.get("/api/v1/holidays?year=2027&limit=100").get_json()["items"]
                      if h["name"] == "Nghỉ cuối năm")
    removed = editor.post(f"/holidays/{holiday_id}/delete", data={"csrf_token": csrf_token(editor, "/holidays")})
    assert removed.status_code == 302 and ("2027-12-31", "day_off", "Nghỉ cuối năm") not in rows_of(app, 2027)


def test_visitors_read_the_holidays_page_but_cannot_change_it(app, client):
    page = client.get("/holidays?year=2026").get_data(as_text=True)
    assert "Ngày Văn hóa Việt Nam" in page and "csrf_token" not in page
    assert client.post("/holidays", data={"day": "2027-12-31", "name": "x"}).status_code in (302, 400)
    assert ("2027-12-31", "holiday", "x") not in rows_of(app, 2027)


def test_the_event_form_warns_about_a_holiday_after_saving(editor):
    response = post_form(editor, "/events/new", event_form(starts_at="2027-02-06T08:30", ends_at="2027-02-06T10:00"))
    assert response.status_code == 302
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu sự kiện." in page and "Lưu ý: Thứ Bảy, 06/02/2027 là ngày nghỉ (Tết Nguyên Đán)." in page


def test_moving_one_occurrence_onto_a_holiday_warns_too(client, auth, make):
    organization = make.organization()
    series = make.event(organizations=[organization["slug"]], rrule="FREQ=WEEKLY;COUNT=4",
                        starts_at="2027-01-27T08:00:00+07:00", ends_at="2027-01-27T09:00:00+07:00")
    path = f"/api/v1/events/{series['id']}/occurrences/2027-02-03T08:00:00"
    moved = client.put(path, json={"starts_at": "2027-02-05T08:00:00+07:00", "ends_at": "2027-02-05T09:00:00+07:00"},
                       headers=auth)
    assert moved.status_code == 201
    assert [(w["day"], w["name"]) for w in moved.get_json()["warnings"]] == [("2027-02-05", "Giao thừa Tết Nguyên Đán")]
    retitled = client.put(path.replace("02-03", "02-10"), json={"title": "Giao ban đầu năm"}, headers=auth)
    assert retitled.status_code == 201 and "warnings" not in retitled.get_json()
