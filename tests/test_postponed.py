"""The postponed status (Hoãn) and the reason of a cancellation or postponement, in the API and the feeds."""

from datetime import date

import icalendar
import pytest

from calendar_app.web.labels import label

REASON = "Lãnh đạo bận họp đột xuất; sẽ báo lịch mới"


@pytest.fixture(autouse=True)
def fixed_today(clock):
    clock.set(date(2026, 11, 1))


@pytest.fixture
def series(make):
    return make.event(title="Giao ban hằng tháng", starts_at="2026-12-04T14:00:00+07:00",
                      ends_at="2026-12-04T16:00:00+07:00", rrule="FREQ=MONTHLY;COUNT=4")


def vevents(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return [c for c in icalendar.Calendar.from_ical(response.data).walk("VEVENT")]


def test_an_event_is_postponed_with_a_reason_and_restored(client, auth, make):
    event = make.event(status="postponed", status_reason=REASON)
    assert (event["status"], event["status_reason"]) == ("postponed", REASON)
    assert client.get(f"/api/v1/events/{event['id']}").get_json()["status_reason"] == REASON
    restored = client.patch(f"/api/v1/events/{event['id']}", headers=auth, json={"status": "confirmed"})
    assert restored.status_code == 200
    assert (restored.get_json()["status"], restored.get_json()["status_reason"]) == ("confirmed", None)


@pytest.mark.parametrize("body, errors", [
    ({"status": "deferred"}, {"status": ["Must be one of: confirmed, tentative, cancelled, postponed."]}),
    ({"status": "postponed", "status_reason": "x" * 501}, {"status_reason": ["Length must be between 0 and 500."]}),
    ({"status": "postponed", "status_reason": "Lý do\nSTATUS:CONFIRMED"},
     {"status_reason": ["Must not contain control characters or line breaks."]}),
])
def test_bad_statuses_and_reasons_are_refused(client, auth, body, errors):
    response = client.post("/api/v1/events", headers=auth, json={
        "title": "Hội thảo", "kind": "joint_workshop", "starts_at": "2026-12-15T08:30:00+07:00",
        "ends_at": "2026-12-15T11:00:00+07:00", **body})
    assert response.status_code == 422
    assert response.get_json()["errors"] == errors
    assert client.get("/api/v1/events").get_json()["items"] == []


def test_a_postponed_event_reads_cancelled_in_feeds_with_hoan_and_the_reason_first(client, make):
    event = make.event(status="postponed", status_reason=REASON, description="Mời các đồng chí dự.")
    [vevent] = vevents(client, f"/events/{event['id']}.ics")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["DESCRIPTION"]).startswith(f"Hoãn: {REASON}\n\nMời các đồng chí dự.")
    without_reason = make.event(status="postponed")
    [vevent] = vevents(client, f"/events/{without_reason['id']}.ics")
    assert str(vevent["DESCRIPTION"]).startswith("Hoãn\n\n")
    uids = {str(v["UID"]) for v in vevents(client, "/feeds/all.ics?cancelled=hide")}
    assert event["uid"] not in uids and without_reason["uid"] not in uids


def test_a_cancellation_reason_is_the_first_description_line(client, make):
    event = make.event(status="cancelled", status_reason=REASON)
    [vevent] = vevents(client, f"/events/{event['id']}.ics")
    assert str(vevent["DESCRIPTION"]).startswith(f"Đã hủy: {REASON}\n\n")
    plain = make.event(status="cancelled")
    [vevent] = vevents(client, f"/events/{plain['id']}.ics")
    assert not str(vevent["DESCRIPTION"]).startswith("Đã hủy")


def test_one_occurrence_is_postponed_with_its_own_reason(client, auth, series):
    put = client.put(f"/api/v1/events/{series['id']}/occurrences/2027-01-04T14:00:00", headers=auth,
                     json={"status": "postponed", "status_reason": REASON})
    assert put.status_code == 201
    assert (put.get_json()["status"], put.get_json()["status_reason"]) == ("postponed", REASON)
    listed = client.get("/api/v1/occurrences?from=2026-12-01T00:00:00%2B07:00&to=2027-03-01T00:00:00%2B07:00")
    statuses = [(o["starts_at"][:10], o["status"], o["status_reason"]) for o in listed.get_json()["items"]]
    assert statuses == [("2026-12-04", "confirmed", None), ("2027-01-04", "postponed", REASON),
                        ("2027-02-04", "confirmed", None)]
    shown = vevents(client, f"/events/{series['id']}.ics")
    [moved] = [v for v in shown if "RECURRENCE-ID" in v]
    assert str(moved["STATUS"]) == "CANCELLED" and str(moved["DESCRIPTION"]).startswith(f"Hoãn: {REASON}")
    hidden = client.get(f"/events/{series['id']}.ics?cancelled=hide").data.decode()
    assert "EXDATE;TZID=Asia/Ho_Chi_Minh:20270104T140000" in hidden and "RECURRENCE-ID" not in hidden


def test_the_pages_call_it_hoan(app):
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        assert label("status", "postponed") == "Hoãn"
