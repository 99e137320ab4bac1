"""Changing or cancelling one occurrence of a series: the API, its checks, audit and occurrences."""

import pytest

SERIES = {"title": "Hội nghị giao ban 6 tháng", "kind": "review_meeting",
          "starts_at": "2026-03-05T14:00:00+07:00", "ends_at": "2026-03-05T16:00:00+07:00",
          "rrule": "FREQ=MONTHLY;INTERVAL=6;COUNT=4"}


@pytest.fixture
def series(make):
    return make.event(**SERIES)


def url(event, recurrence_id):
    return f"/api/v1/events/{event['id']}/occurrences/{recurrence_id}"


def test_move_then_change_then_restore(client, auth, series):
    """PUT creates (201) then replaces (200) with a higher SEQUENCE; DELETE restores and bumps the series."""
    moved = client.put(url(series, "2026-09-05T14:00:00"), headers=auth,
                       json={"starts_at": "2026-09-06T09:00:00+07:00", "location": "Phòng họp Đ2"})
    assert moved.status_code == 201
    assert moved.get_json() == {
        "event_id": series["id"], "uid": series["uid"], "recurrence_id": "2026-09-05T14:00:00+07:00",
        "status": "confirmed", "status_reason": None,
        "starts_at": "2026-09-06T09:00:00+07:00", "ends_at": "2026-09-06T11:00:00+07:00",
        "start_date": None, "end_date": None, "title": None, "location": "Phòng họp Đ2", "description": None,
        "sequence": 1, "updated_at": moved.get_json()["updated_at"],
        # issue 12: moved onto a Sunday, said (never refused)
        "warnings": [{"day": "2026-09-06", "kind": "weekend", "name": None, "message": "2026-09-06 is a Sunday."}],
    }
    cancelled = client.put(url(series, "2026-09-05T07:00:00Z"), headers=auth, json={"status": "cancelled"})
    assert cancelled.status_code == 200
    assert (cancelled.get_json()["status"], cancelled.get_json()["sequence"], cancelled.get_json()["starts_at"]) \
        == ("cancelled", 2, None)
    listed = client.get(f"/api/v1/events/{series['id']}/overrides").get_json()["items"]
    assert [o["recurrence_id"] for o in listed] == ["2026-09-05T14:00:00+07:00"]
    assert client.get(url(series, "2026-09-05T14:00:00")).get_json()["status"] == "cancelled"
    assert client.delete(url(series, "2026-09-05T14:00:00"), headers=auth).status_code == 204
    assert client.delete(url(series, "2026-09-05T14:00:00"), headers=auth).status_code == 404
    assert client.get(url(series, "2026-09-05T14:00:00")).status_code == 404
    # Above the override's 2: feeds give every VEVENT of the series its highest SEQUENCE (issue 11).
    assert client.get(f"/api/v1/events/{series['id']}").get_json()["sequence"] == 3


def test_every_override_write_raises_the_series_sequence_and_it_never_falls(client, auth, series):
    """Issue 11: the master VEVENT carries the series' highest SEQUENCE; a client ignores a lower one."""
    def feed_sequences():
        ics = client.get(f"/events/{series['id']}.ics").get_data(as_text=True)
        return {line for line in ics.splitlines() if line.startswith("SEQUENCE:")}

    seen = []
    for recurrence_id, body in [("2026-09-05T14:00:00", {"status": "cancelled"}),
                                ("2027-03-05T14:00:00", {"starts_at": "2027-03-05T15:00:00+07:00"}),
                                ("2026-09-05T14:00:00", {"status": "tentative"})]:
        assert client.put(url(series, recurrence_id), headers=auth, json=body).status_code in (200, 201)
        seen.append(feed_sequences())
    assert client.delete(url(series, "2027-03-05T14:00:00"), headers=auth).status_code == 204
    seen.append(feed_sequences())
    assert seen == [{"SEQUENCE:1"}, {"SEQUENCE:2"}, {"SEQUENCE:3"}, {"SEQUENCE:4"}]


def test_writes_are_audited(client, auth, series):
    client.put(url(series, "2026-09-05T14:00:00"), headers=auth, json={"status": "cancelled"})
    client.delete(url(series, "2026-09-05T14:00:00"), headers=auth)
    entries = client.get(f"/api/v1/audit?entity=event&entity_id={series['id']}", headers=auth).get_json()["items"]
    assert [(e["action"], e["entity_key"]) for e in entries] == [
        ("restore_occurrence", f"{series['uid']}#2026-09-05T14:00:00+07:00"),
        ("override_occurrence", f"{series['uid']}#2026-09-05T14:00:00+07:00"),
        ("create", series["uid"])]
    assert entries[1]["changes"]["status"] == [None, "cancelled"]


@pytest.mark.parametrize("recurrence_id, body, status, errors", [
    ("2026-09-06T14:00:00", {"status": "cancelled"}, 404, None),              # not an occurrence
    ("2030-03-05T14:00:00", {"status": "cancelled"}, 404, None),              # after COUNT
    ("2026-09-05", {"status": "cancelled"}, 422, {"recurrence_id": [
        "Not a valid date-time (YYYY-MM-DDTHH:MM:SS, local time of the event)."]}),
    ("2026-09-05T14:00:00", {"status": "deferred"}, 422, {"status": [
        "Must be one of: confirmed, tentative, cancelled, postponed."]}),
    ("2026-09-05T14:00:00", {"starts_at": "2026-09-06T09:00:00+07:00", "ends_at": "2026-09-06T08:00:00+07:00"},
     422, {"ends_at": ["Must be after starts_at."]}),
    ("2026-09-05T14:00:00", {"ends_at": "2026-09-06T08:00:00+07:00"}, 422, {"starts_at": ["Required with ends_at."]}),
    ("2026-09-05T14:00:00", {"start_date": "2026-09-06"}, 422, {"start_date": [
        "The series is timed; use starts_at and ends_at."]}),
    ("2026-09-05T14:00:00", {"title": "Dòng một\nATTENDEE:x"}, 422, {"title": [
        "Must not contain control characters or line breaks."]}),
])
def test_bad_overrides_are_refused(client, auth, series, recurrence_id, body, status, errors):
    response = client.put(url(series, recurrence_id), headers=auth, json=body)
    assert response.status_code == status, response.get_json()
    assert response.get_json().get("errors") == errors


def test_single_events_cannot_be_overridden(client, auth, make):
    event = make.event()
    response = client.put(url(event, "2026-12-15T08:30:00"), headers=auth, json={"status": "cancelled"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"recurrence_id": ["The event does not repeat; change the event itself."]}


def test_writes_need_a_token(client, series):
    assert client.put(url(series, "2026-09-05T14:00:00"), json={"status": "cancelled"}).status_code == 401
    assert client.delete(url(series, "2026-09-05T14:00:00")).status_code == 401


def test_all_day_series(client, auth, make):
    series = make.event(all_day=True, starts_at=None, ends_at=None, start_date="2027-01-20", end_date="2027-01-21",
                        rrule="FREQ=YEARLY;COUNT=3", title="Tết ấm yêu thương", kind="volunteer_program")
    moved = client.put(url(series, "2028-01-20"), headers=auth, json={"start_date": "2028-01-25"})
    assert moved.status_code == 201, moved.get_json()
    assert (moved.get_json()["start_date"], moved.get_json()["end_date"]) == ("2028-01-25", "2028-01-26")
    ics = client.get(f"/events/{series['id']}.ics").data.decode()
    assert "RECURRENCE-ID;VALUE=DATE:20280120\r\n" in ics and "DTSTART;VALUE=DATE:20280125\r\n" in ics
    assert "DTEND;VALUE=DATE:20280127\r\n" in ics


def test_occurrences_api_reflects_overrides(client, auth, series):
    """Moved occurrences show their new times (in or out of the window), cancelled ones their status."""
    client.put(url(series, "2026-09-05T14:00:00"), headers=auth,
               json={"starts_at": "2027-01-10T09:00:00+07:00", "title": "Giao ban dời lịch"})
    client.put(url(series, "2027-03-05T14:00:00"), headers=auth, json={"status": "cancelled"})
    window = "from=2026-01-01T00:00:00%2B07:00&to=2027-06-01T00:00:00%2B07:00"
    items = client.get(f"/api/v1/occurrences?{window}").get_json()["items"]
    assert [(o["starts_at"], o["ends_at"], o["status"], o["title"], o["recurrence_id"]) for o in items] == [
        ("2026-03-05T14:00:00+07:00", "2026-03-05T16:00:00+07:00", "confirmed", SERIES["title"],
         "2026-03-05T14:00:00+07:00"),
        ("2027-01-10T09:00:00+07:00", "2027-01-10T11:00:00+07:00", "confirmed", "Giao ban dời lịch",
         "2026-09-05T14:00:00+07:00"),
        ("2027-03-05T14:00:00+07:00", "2027-03-05T16:00:00+07:00", "cancelled", SERIES["title"],
         "2027-03-05T14:00:00+07:00"),
    ]
    # Moved into a window that held no original occurrence of the series.
    moved_in = "from=2027-01-01T00:00:00%2B07:00&to=2027-02-01T00:00:00%2B07:00"
    assert [o["title"] for o in client.get(f"/api/v1/occurrences?{moved_in}").get_json()["items"]] == [
        "Giao ban dời lịch"]
    # Moved out of the window it was in.
    moved_out = "from=2026-09-01T00:00:00%2B07:00&to=2026-10-01T00:00:00%2B07:00"
    assert client.get(f"/api/v1/occurrences?{moved_out}").get_json()["items"] == []
