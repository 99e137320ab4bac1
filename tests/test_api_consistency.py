"""Issue 14's consistency points: date windows, one time vocabulary, repeated list arguments."""

import pytest

from calendar_app.schemas.windows import BOUND_MESSAGE


@pytest.fixture
def march(make):
    """A timed event on 1 March 00:30 in Hanoi (still February in UTC) and an all-day one on 31 March–2 April."""
    early = make.event(title="Giao ban sớm", kind="review_meeting", starts_at="2027-03-01T00:30:00+07:00",
                       ends_at="2027-03-01T01:30:00+07:00")
    days = make.event(title="Tết ấm yêu thương", kind="volunteer_program", all_day=True,
                      start_date="2027-03-31", end_date="2027-04-02", starts_at=None, ends_at=None)
    return early, days


def test_occurrences_take_dates_as_midnight_in_hanoi(client, march):
    response = client.get("/api/v1/occurrences?from=2027-03-01&to=2027-04-01")
    assert response.status_code == 200, response.get_json()
    assert [o["title"] for o in response.get_json()["items"]] == ["Giao ban sớm", "Tết ấm yêu thương"]
    # Midnight in UTC is 07:00 in Hanoi: the 00:30 meeting is before it.
    utc = client.get("/api/v1/occurrences?from=2027-03-01&to=2027-04-01&tz=UTC").get_json()
    assert [o["title"] for o in utc["items"]] == ["Tết ấm yêu thương"]


def test_a_date_and_the_same_midnight_with_offset_give_one_answer(client, march):
    by_date = client.get("/api/v1/events?from=2027-03-01&to=2027-03-02").get_json()
    by_instant = client.get("/api/v1/events", query_string={"from": "2027-03-01T00:00:00+07:00",
                                                            "to": "2027-03-02T00:00:00+07:00"}).get_json()
    assert by_date["items"] == by_instant["items"] and by_date["total"] == 1


@pytest.mark.parametrize(("query", "errors"), [
    ("from=2027-03-01T00:00:00&to=2027-04-01", {"from": [BOUND_MESSAGE]}),
    ("from=2027-02-30&to=2027-04-01", {"from": [BOUND_MESSAGE]}),
    ("from=2027-04-01&to=2027-03-01", {"to": ["Must be after from."]}),
    ("from=2027-03-01&to=2027-03-01T00:00:00%2B07:00", {"to": ["Must be after from."]}),
    ("from=2027-03-01&to=2027-04-01&tz=Mars/Olympus", {"tz": [
        "Unknown time zone 'Mars/Olympus'; use an IANA name such as Asia/Ho_Chi_Minh."]}),
    ("from=0001-01-01&to=2027-04-01", {"from": ["Must be between the years 1900 and 2200."]}),
])
def test_bad_windows_name_the_argument(client, query, errors):
    response = client.get(f"/api/v1/occurrences?{query}")
    assert response.status_code == 422
    assert response.get_json()["errors"] == errors


def test_occurrences_use_the_events_vocabulary(client, march):
    early, days = march
    items = client.get("/api/v1/occurrences?from=2027-03-01&to=2027-04-05").get_json()["items"]
    timed, all_day = items
    assert {k: timed[k] for k in ("starts_at", "ends_at", "start_date", "end_date")} == {
        "starts_at": "2027-03-01T00:30:00+07:00", "ends_at": "2027-03-01T01:30:00+07:00",
        "start_date": None, "end_date": None}
    assert {k: all_day[k] for k in ("starts_at", "ends_at", "start_date", "end_date")} == {
        "starts_at": None, "ends_at": None, "start_date": "2027-03-31", "end_date": "2027-04-02"}
    # The same names and values as the events they come from.
    for occurrence, event in ((timed, early), (all_day, days)):
        assert {k: occurrence[k] for k in ("starts_at", "ends_at", "start_date", "end_date")} == {
            k: event[k] for k in ("starts_at", "ends_at", "start_date", "end_date")}
        assert "start" not in occurrence and "end" not in occurrence


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/occurrences?from=2027-03-01&to=2027-05-01"])
def test_repeated_list_arguments_mean_a_comma_list(client, march, path):
    joiner = "&" if "?" in path else "?"
    repeated = client.get(f"{path}{joiner}kind=review_meeting&kind=volunteer_program").get_json()
    mixed = client.get(f"{path}{joiner}kind=review_meeting&kind=volunteer_program,other").get_json()
    comma = client.get(f"{path}{joiner}kind=review_meeting,volunteer_program").get_json()
    assert repeated == mixed == comma and repeated["total"] == 2
    bad = client.get(f"{path}{joiner}kind=review_meeting&kind=picnic")
    assert bad.status_code == 422 and list(bad.get_json()["errors"]) == ["kind"]


def test_feeds_take_repeated_kinds_too(client, march):
    repeated = client.get("/feeds/all.ics?kind=review_meeting&kind=volunteer_program")
    comma = client.get("/feeds/all.ics?kind=review_meeting,volunteer_program")
    only_one = client.get("/feeds/all.ics?kind=review_meeting")
    assert repeated.status_code == 200 and repeated.data == comma.data != only_one.data
    assert repeated.data.count(b"BEGIN:VEVENT") == 2
