"""The FullCalendar event source (issue 14): FullCalendar's parameters in, its event objects out."""

from datetime import datetime, timezone

import pytest


@pytest.fixture
def calendar(make, auth, client):
    organization = make.organization()
    slug = organization["slug"]
    make.event(title="Hội thảo khoa học", organizations=[slug], starts_at="2027-03-10T08:30:00+07:00",
               ends_at="2027-03-10T11:00:00+07:00")
    make.event(title="Tết ấm yêu thương", kind="volunteer_program", organizations=[slug], all_day=True,
               starts_at=None, ends_at=None, start_date="2027-03-20", end_date="2027-03-22")
    make.event(title="Họp nội bộ", organizations=[slug], visibility="internal",
               starts_at="2027-03-12T08:00:00+07:00", ends_at="2027-03-12T09:00:00+07:00")
    make.event(title="Giao ban", kind="review_meeting", organizations=[slug], status="cancelled",
               starts_at="2027-03-15T14:00:00+07:00", ends_at="2027-03-15T16:00:00+07:00")
    token = client.get(f"/api/v1/organizations/{slug}/feed-token", headers=auth).get_json()["token"]
    return slug, token


# What FullCalendar sends: timeZone 'local' (offsets), 'UTC' (Z), a named zone (local times + timeZone).
AS_SENT = ["start=2027-02-28T00:00:00%2B07:00&end=2027-04-11T00:00:00%2B07:00",
           "start=2027-02-27T17:00:00Z&end=2027-04-10T17:00:00Z",
           "start=2027-02-28T00:00:00&end=2027-04-11T00:00:00&timeZone=Asia%2FHo_Chi_Minh",
           "start=2027-02-28&end=2027-04-11"]


@pytest.mark.parametrize("window", AS_SENT)
def test_the_event_objects_for_each_way_fullcalendar_asks(client, calendar, window):
    slug, _token = calendar
    response = client.get(f"/feeds/organizations/{slug}.json?{window}")
    assert response.status_code == 200, response.get_json()
    events = response.get_json()
    assert [e["title"] for e in events] == ["Hội thảo khoa học", "Giao ban", "Tết ấm yêu thương"]
    timed, _cancelled, all_day = events
    local = "timeZone" in window
    assert {k: timed[k] for k in ("start", "end", "allDay")} == {
        "start": "2027-03-10T08:30:00" + ("" if local else "+07:00"),
        "end": "2027-03-10T11:00:00" + ("" if local else "+07:00"), "allDay": False}
    assert {k: all_day[k] for k in ("start", "end", "allDay")} == {
        "start": "2027-03-20", "end": "2027-03-23", "allDay": True}  # FullCalendar's end is exclusive
    assert timed["url"].endswith(f"/events/{timed['extendedProps']['event_id']}")
    assert timed["id"] == f"{timed['extendedProps']['event_id']}:2027-03-10T08:30:00+07:00"
    assert {k: timed["extendedProps"][k] for k in ("kind", "status", "agreement")} == {
        "kind": "joint_workshop", "status": "confirmed", "agreement": None}


def test_a_named_zone_gives_local_times_in_it(client, calendar):
    slug, _token = calendar
    events = client.get(f"/feeds/organizations/{slug}.json?start=2027-03-10T00:00:00"
                        "&end=2027-03-11T00:00:00&timeZone=Europe%2FParis").get_json()
    # Paris midnight is 06:00 in Hanoi: the 08:30 workshop is inside, at 02:30 Paris time.
    assert [(e["start"], e["end"]) for e in events] == [("2027-03-10T02:30:00", "2027-03-10T05:00:00")]


def test_the_ics_feeds_filters_and_token(client, calendar):
    slug, token = calendar
    window = "start=2027-03-01&end=2027-04-01"
    titles = lambda query: [e["title"] for e in client.get(f"/feeds/organizations/{slug}.json?{window}&{query}").get_json()]  # noqa: E731
    assert titles("kind=volunteer_program&kind=review_meeting") == ["Giao ban", "Tết ấm yêu thương"]
    assert titles("cancelled=hide") == ["Hội thảo khoa học", "Tết ấm yêu thương"]
    assert "Họp nội bộ" in titles(f"token={token}")
    assert client.get(f"/feeds/organizations/{slug}.json?{window}&token=wrong").status_code == 404
    private = client.get(f"/feeds/organizations/{slug}.json?{window}&token={token}")
    assert private.headers["Cache-Control"] == "private, no-store"


def test_revalidation_answers_304_until_a_change(client, calendar, make):
    slug, _token = calendar
    url = f"/feeds/organizations/{slug}.json?start=2027-03-01&end=2027-04-01"
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    make.event(title="Tọa đàm", organizations=[slug], starts_at="2027-03-25T08:00:00+07:00",
               ends_at="2027-03-25T09:00:00+07:00")
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "Tọa đàm" in changed.get_data(as_text=True)


def test_a_repeated_source_is_kept_until_a_change(client, calendar, make, auth, monkeypatch):
    """Without start and end a source is a year of occurrences: asked again, it is not built again."""
    from calendar_app.repositories import occurrences

    slug, token = calendar
    built = []
    listed = occurrences.list_occurrences
    monkeypatch.setattr(occurrences, "list_occurrences", lambda *a, **k: built.append(1) or listed(*a, **k))
    url = f"/feeds/organizations/{slug}.json"
    first = client.get(url)
    assert client.get(url).get_data() == first.get_data() and len(built) == 1
    private = client.get(f"{url}?token={token}")  # another caller, another body
    assert "Họp nội bộ" in private.get_data(as_text=True) and "Họp nội bộ" not in first.get_data(as_text=True)
    make.event(title="Tọa đàm mới", organizations=[slug], starts_at="2027-03-25T08:00:00+07:00",
               ends_at="2027-03-25T09:00:00+07:00")
    assert "Tọa đàm mới" in client.get(url).get_data(as_text=True) and len(built) == 3


@pytest.mark.parametrize(("query", "status", "errors"), [
    ("end=2027-04-01", 422, {"start": ["Give start and end together, or neither (the feed's window)."]}),
    ("start=2027-04-01", 422, {"end": ["Give start and end together, or neither (the feed's window)."]}),
    ("start=2027-04-01&end=2027-03-01", 422, {"end": ["Must be after start."]}),
    ("start=tomorrow&end=2027-03-01", 422, {"start": [
        "Not a date (YYYY-MM-DD) or a date-time with an offset (YYYY-MM-DDTHH:MM:SS+07:00)."]}),
    ("start=2027-03-01&end=2027-04-01&timeZone=Nowhere", 422, {"timeZone": [
        "Unknown time zone 'Nowhere'; use an IANA name such as Asia/Ho_Chi_Minh."]}),
    ("start=2000-01-01&end=2027-04-01", 400, {"end": ["At most 3660 days after start."]}),
])
def test_bad_windows_are_refused_like_occurrences(client, calendar, query, status, errors):
    slug, _token = calendar
    response = client.get(f"/feeds/organizations/{slug}.json?{query}")
    assert response.status_code == status and response.get_json()["errors"] == errors


def test_an_unknown_organization_is_404(client):
    assert client.get("/feeds/organizations/khong-co.json?start=2027-03-01&end=2027-04-01").status_code == 404


def test_without_start_and_end_the_window_is_the_ics_feeds(client, make, calendar, clock):
    """What publish-feeds writes: FEED_PAST_DAYS back to FEED_EXPAND_DAYS ahead of today, moving with the day."""
    slug, _token = calendar
    clock.set(datetime(2027, 3, 10, 12, 0, tzinfo=timezone.utc))
    for title, day in (("Quá hạn", "2026-03-01"), ("Trong năm", "2027-06-01"), ("Quá xa", "2028-06-01")):
        make.event(title=title, organizations=[slug], starts_at=f"{day}T08:00:00+07:00", ends_at=f"{day}T09:00:00+07:00")
    answer = client.get(f"/feeds/organizations/{slug}.json")
    titles = {item["title"] for item in answer.get_json()}
    assert answer.status_code == 200 and "Trong năm" in titles and not titles & {"Quá hạn", "Quá xa"}
    explicit = client.get(f"/feeds/organizations/{slug}.json?start=2026-03-10T00:00:00%2B00:00"
                          f"&end=2028-03-09T00:00:00%2B00:00")
    assert explicit.get_json() == answer.get_json()
    assert client.get(f"/feeds/organizations/{slug}.json",
                      headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304
    clock.set(datetime(2027, 3, 11, 12, 0, tzinfo=timezone.utc))  # the window moved: a new ETag
    assert client.get(f"/feeds/organizations/{slug}.json",
                      headers={"If-None-Match": answer.headers["ETag"]}).status_code == 200
