"""A stored event row no code can read (issue 10 item 2): that one event is skipped, never a 500 for a page or feed.

Feeds do not skip it (issue 11): a feed without one of its events makes sync tools delete it downstream,
so they answer 503 with Retry-After until the row is mended or deleted.

The bad values are written with plain SQL, as an old release or a hand edit of the database leaves them.
"""

import pytest

from calendar_app.db import write_transaction

BAD_VALUES = {
    # astimezone() overflows: 9999-12-31T23:00Z is already year 10000 in +07:00.
    "beyond_year_9999_in_its_zone": {"starts_at": "9999-12-31T23:00:00Z", "ends_at": "9999-12-31T23:30:00Z"},
    "unknown_zone": {"timezone": "Mars/Olympus"},
    "exdates_not_json": {"exdates": "not json"},
}
# A stored RRULE is read where it is expanded or written (parsing it per row cost 0.3 ms): the
# event keeps its indexed occurrences in lists, and leaves the feeds that cannot write it.
BAD_RULE = {"rrule": "FREQ=SOMETIMES"}
WINDOW = "from=2026-12-01T00:00:00Z&to=2027-01-31T00:00:00Z"
# Every reader that lists events: each still answers, with the readable event in it.
LISTS = ("/", "/?month=2026-12", "/organizations/{org}", "/agreements/{agreement}",
         "/api/v1/events", f"/api/v1/events?{WINDOW}", "/api/v1/organizations/{org}/events",
         "/api/v1/agreements/{agreement}/events", f"/api/v1/occurrences?{WINDOW}")
# Every feed that holds it: 503, never the feed without it.
FEEDS = ("/feeds/all.ics", "/feeds/organizations/{org}.ics", "/feeds/agreements/{agreement}.ics",
         "/feeds/organizations/{org}.ics?cancelled=hide&alarm=PT1H", "/events/{id}.ics")
# The bad event's own addresses: a clear error for that event (a 409 naming it).
OWN = ("/events/{id}", "/api/v1/events/{id}")


@pytest.fixture
def broken(make, db, request):
    """An agreement with a readable event and a series whose stored row is then spoiled by hand."""
    agreement = make.agreement()
    org = agreement["parties"][0]["organization"]
    common = {"organizations": [org], "agreement": agreement["slug"]}
    make.event(title="Hội thảo vẫn hiện", **common)
    bad = make.event(title="Giao ban hỏng", starts_at="2026-12-15T08:00:00+07:00",
                     ends_at="2026-12-15T09:00:00+07:00", rrule="FREQ=WEEKLY;COUNT=3", **common)
    values = BAD_VALUES.get(request.param, BAD_RULE)
    with write_transaction(db):
        db.execute(f"update events set {', '.join(f'{k} = ?' for k in values)} where id = ?",
                   [*values.values(), bad["id"]])
    return {"org": org, "agreement": agreement["slug"], "id": bad["id"], "bad": request.param}


@pytest.mark.parametrize("broken", [*BAD_VALUES, "rule"], indirect=True)
@pytest.mark.parametrize("path", LISTS)
def test_a_list_answers_without_the_unreadable_event(client, broken, path, caplog):
    response = client.get(path.format(**broken))
    text = response.get_data(as_text=True)
    assert response.status_code == 200, text[:500]
    assert "Hội thảo vẫn hiện" in text
    # A rule is read where it is expanded or written: a list of the indexed occurrences still shows them.
    if broken["bad"] != "rule":
        assert "Giao ban hỏng" not in text
        assert f"event {broken['id']} cannot be read" in caplog.text


@pytest.mark.parametrize("broken", [*BAD_VALUES, "rule"], indirect=True)
@pytest.mark.parametrize("path", FEEDS)
def test_a_feed_holding_the_unreadable_event_answers_503_never_a_partial_feed(app, client, broken, path, caplog):
    """Defect (issue 11): feeds answered 200 without the event, and subscribers deleted it."""
    response = client.get(path.format(**broken))
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"] == str(app.config["FEED_RETRY_AFTER_SECONDS"])
    assert response.get_json() == {"code": 503, "status": "Service Unavailable",
                                   "message": "This feed cannot be built right now; try again later."}
    assert f"Event {broken['id']} cannot be read" in caplog.text
    assert client.get(path.format(**broken)).status_code == 503  # not cached, not remembered by the shortcut


@pytest.mark.parametrize("broken", ["unknown_zone"], indirect=True)
def test_a_feed_answers_again_once_the_event_is_deleted(client, auth, broken):
    url = "/feeds/organizations/{org}.ics".format(**broken)
    assert client.get(url).status_code == 503
    assert client.delete(f"/api/v1/events/{broken['id']}", headers=auth).status_code == 204
    response = client.get(url)
    assert response.status_code == 200 and "Hội thảo vẫn hiện" in response.get_data(as_text=True)


@pytest.mark.parametrize("broken", BAD_VALUES, indirect=True)
@pytest.mark.parametrize("path", OWN)
def test_the_unreadable_events_own_address_answers_a_clear_error(client, broken, path):
    response = client.get(path.format(**broken))
    assert response.status_code == 409, response.get_data(as_text=True)[:500]
    assert f"Event {broken['id']} cannot be read" in response.get_data(as_text=True)


@pytest.mark.parametrize("broken", [*BAD_VALUES, "rule"], indirect=True)
def test_the_unreadable_event_can_still_be_deleted(client, auth, broken):
    response = client.delete(f"/api/v1/events/{broken['id']}", headers=auth)
    assert response.status_code == 204, response.get_data(as_text=True)[:500]
    assert client.get(f"/api/v1/events/{broken['id']}").status_code == 404


@pytest.mark.parametrize("broken", [*BAD_VALUES, "rule"], indirect=True)
def test_rebuild_occurrences_skips_the_unreadable_event(runner, broken, caplog):
    result = runner.invoke(args=["rebuild-occurrences"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert f"event {broken['id']} cannot be read" in caplog.text


@pytest.mark.parametrize("broken", [*BAD_VALUES, "rule"], indirect=True)
def test_publish_feeds_writes_no_feed_without_the_unreadable_event(runner, broken, tmp_path, caplog):
    """It publishes what the routes answer: a 503 (issue 11) stops it rather than a partial file going out."""
    result = runner.invoke(args=["publish-feeds", str(tmp_path / "out")])
    assert result.exit_code != 0 and "503" in result.output, (result.output, result.exception)
    assert not (tmp_path / "out" / "feeds" / "organizations" / f"{broken['org']}.ics").exists()
    assert f"Event {broken['id']} cannot be read" in caplog.text


@pytest.mark.parametrize("broken", ["rule"], indirect=True)
@pytest.mark.parametrize("path", OWN)
def test_an_event_whose_rule_no_longer_parses_still_shows_on_its_own_address(client, broken, path):
    response = client.get(path.format(**broken))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "FREQ=SOMETIMES" in response.get_data(as_text=True)


@pytest.mark.parametrize("broken", BAD_VALUES, indirect=True)
def test_a_patch_of_the_unreadable_event_answers_the_same_clear_error_and_writes_nothing(client, auth, db, broken):
    before = db.execute("select * from events where id = ?", [broken["id"]]).fetchone()
    response = client.patch(f"/api/v1/events/{broken['id']}", json={"title": "Sửa"}, headers=auth)
    assert response.status_code == 409 and f"Event {broken['id']} cannot be read" in response.get_json()["message"]
    assert db.execute("select * from events where id = ?", [broken["id"]]).fetchone() == before
