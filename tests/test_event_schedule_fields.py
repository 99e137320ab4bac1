"""The weekly schedule's event fields (chair, attendees, preparation, note, emphasis) on every path (issue 12)."""

import pytest
from icalendar import Calendar

from test_import import calendar, vevent
from test_web import SNAPSHOTS as WEB_SNAPSHOTS
from test_web import editor, event_form, post_form  # noqa: F401  (editor is a fixture)

SNAPSHOTS = WEB_SNAPSHOTS

FIELDS = {"chair": "Đ/c Bí thư Đảng ủy Khối", "attendees": "Thường trực Đảng ủy Khối; Trưởng các ban Đảng",
          "preparation": "Văn phòng Đảng ủy Khối", "note": "Đăng ký phát biểu trước thứ Năm, 10/12"}


def vevent_of(client, event_id: int):
    body = client.get(f"/events/{event_id}.ics").data
    return next(c for c in Calendar.from_ical(body).walk("VEVENT"))


def test_api_keeps_the_fields_byte_for_byte(client, auth, make):
    created = make.event(**FIELDS, emphasis=True)
    assert {k: created[k] for k in [*FIELDS, "emphasis"]} == {**FIELDS, "emphasis": True}
    read = client.get(f"/api/v1/events/{created['id']}").get_json()
    assert {k: read[k] for k in [*FIELDS, "emphasis"]} == {**FIELDS, "emphasis": True}
    patched = client.patch(f"/api/v1/events/{created['id']}", json={"emphasis": False, "note": None},
                           headers=auth).get_json()
    assert (patched["emphasis"], patched["note"], patched["chair"]) == (False, None, FIELDS["chair"])


def test_an_event_without_them_reads_as_empty(make):
    created = make.event()
    assert {k: created[k] for k in [*FIELDS, "emphasis"]} == {"chair": None, "attendees": None, "preparation": None,
                                                              "note": None, "emphasis": False}


@pytest.mark.parametrize("body, errors", [
    ({"chair": "x" * 501}, {"chair": ["Length must be between 0 and 500."]}),
    ({"attendees": "x" * 2001}, {"attendees": ["Length must be between 0 and 2000."]}),
    ({"preparation": "Văn phòng\nBan Tuyên giáo"}, {"preparation": ["Must not contain control characters or line breaks."]}),
    ({"note": 5, "emphasis": "rất"}, {"note": ["Not a valid string."], "emphasis": ["Not a valid boolean."]}),
])
def test_bad_values_are_refused_per_field_and_nothing_is_written(client, auth, body, errors):
    before = client.get("/api/v1/events").get_json()["total"]
    response = client.post("/api/v1/events", json={"title": "Họp", "kind": "other", "starts_at": "2026-12-15T08:30:00+07:00",
                                                   "ends_at": "2026-12-15T09:30:00+07:00", **body}, headers=auth)
    assert response.status_code == 422
    assert response.get_json()["errors"] == errors
    assert client.get("/api/v1/events").get_json()["total"] == before


def test_feed_has_a_description_line_and_a_property_per_field(client, make):
    event = make.event(description="Đánh giá kết quả thực hiện quy chế.", **FIELDS, emphasis=True)
    vevent = vevent_of(client, event["id"])
    description = str(vevent["DESCRIPTION"])
    assert description.startswith("Đánh giá kết quả thực hiện quy chế.\n\n"
                                  "Chủ trì: Đ/c Bí thư Đảng ủy Khối\n"
                                  "Thành phần: Thường trực Đảng ủy Khối; Trưởng các ban Đảng\n"
                                  "Chuẩn bị: Văn phòng Đảng ủy Khối\n"
                                  "Ghi chú: Đăng ký phát biểu trước thứ Năm, 10/12\n\n")
    assert str(vevent["X-CALENDAR-APP-CHAIR"]) == FIELDS["chair"]
    assert str(vevent["X-CALENDAR-APP-ATTENDEES"]) == FIELDS["attendees"]
    assert str(vevent["X-CALENDAR-APP-EMPHASIS"]) == "TRUE"


def test_feed_without_the_fields_has_neither_lines_nor_properties(client, make):
    vevent = vevent_of(client, make.event(description="Mô tả")["id"])
    assert "Chủ trì" not in str(vevent["DESCRIPTION"])
    assert not [name for name in vevent if name.startswith("X-CALENDAR-APP-")]


def import_file(client, auth, body: bytes, slug: str):
    return client.post(f"/api/v1/import?organization={slug}", data=body,
                       headers={**auth, "Content-Type": "text/calendar"})


def test_an_imported_feed_gives_the_fields_back(client, auth, make):
    """Export an event, delete it, import the export: the fields, emphasis and own description come back."""
    org = make.organization()
    event = make.event(description="Đánh giá kết quả.", organizations=[org["slug"]], **FIELDS, emphasis=True)
    exported = client.get(f"/events/{event['id']}.ics").data
    assert client.delete(f"/api/v1/events/{event['id']}", headers=auth).status_code == 204
    response = import_file(client, auth, exported, org["slug"])
    assert response.status_code == 200, response.get_json()
    again = client.get(f"/api/v1/organizations/{org['slug']}/events").get_json()["items"][0]
    assert {k: again[k] for k in [*FIELDS, "emphasis"]} == {**FIELDS, "emphasis": True}
    assert not any(again["description"].count(f"{label}:") for label in ("Chủ trì", "Thành phần", "Chuẩn bị"))
    assert again["description"].startswith("Đánh giá kết quả.\n\n")


def imported(client, auth, make, *lines) -> dict:
    """Import one VEVENT with these extra lines into a new organization; its event as the API reads it."""
    org = make.organization()
    response = import_file(client, auth, calendar(vevent("hop@example.vn", *lines, summary="Họp")), org["slug"])
    assert response.status_code == 200, response.get_json()
    return client.get(f"/api/v1/organizations/{org['slug']}/events").get_json()["items"][0]


def test_a_file_with_only_description_lines_fills_the_fields(client, auth, make):
    """A file from elsewhere with the lines typed into DESCRIPTION: they become the fields, the rest stays."""
    item = imported(client, auth, make, "DESCRIPTION:Nội dung chính\\n\\nChủ trì: Đ/c Phó Bí thư\\nGhi chú: Mang tài liệu")
    assert (item["chair"], item["note"], item["attendees"], item["emphasis"]) == (
        "Đ/c Phó Bí thư", "Mang tài liệu", None, False)
    assert item["description"] == "Nội dung chính"


def test_form_saves_the_fields_and_the_page_shows_them_escaped(editor):
    response = post_form(editor, "/events/new", event_form(chair="Đ/c <b>Bí thư</b>", attendees=FIELDS["attendees"],
                                                           preparation=FIELDS["preparation"], note="", emphasis="on"))
    assert response.status_code == 302, response.get_data(as_text=True)
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đ/c &lt;b&gt;Bí thư&lt;/b&gt;" in page and FIELDS["attendees"] in page
    assert "Chủ trì" in page and "In đậm" in page and "Ghi chú" not in page
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    form = editor.get(f"/events/{event_id}/edit").get_data(as_text=True)
    assert 'id="emphasis" name="emphasis" checked' in form and f'value="{FIELDS["preparation"]}"' in form


def test_form_reports_a_too_long_field_next_to_it(editor):
    response = post_form(editor, "/events/new", event_form(chair="x" * 501))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="chair-error"' in html and "500" in html


def test_an_x_property_without_value_text_is_unescaped(client, auth, make):
    """Another program may write the X- property bare: its TEXT escapes are still read as RFC 5545 says."""
    item = imported(client, auth, make, "X-CALENDAR-APP-ATTENDEES:Ban Tổ chức\\; Ban Tuyên giáo\\, Văn phòng \\\\ Lưu trữ",
                    "X-CALENDAR-APP-EMPHASIS:true")
    assert (item["attendees"], item["emphasis"]) == ("Ban Tổ chức; Ban Tuyên giáo, Văn phòng \\ Lưu trữ", True)
