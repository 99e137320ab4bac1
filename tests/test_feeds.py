"""Feeds over HTTP, read with parsers that did not write them (ical, vobject, recurring_ical_events)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject
from ical.calendar_stream import IcsCalendarStream

from conftest import Factory, make_token, snapshot_value

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def fixed_today(clock):
    """Feeds are cut at 'today'; pin it so windows and ETags do not depend on the test date."""
    clock.set(TODAY)


# --- helpers -----------------------------------------------------------------------------------


def content_lines(ics: bytes) -> list[str]:
    """Unfold on bytes, then decode: the logical lines a client sees."""
    return ics.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")[:-1]


def parse_ical(ics: bytes):
    return IcsCalendarStream.calendar_from_ics(ics.decode("utf-8"))


def parse_vobject(ics: bytes):
    return vobject.readOne(ics.decode("utf-8"))


def uids_ical(ics: bytes) -> list[str]:
    return sorted({e.uid for e in parse_ical(ics).events})


def uids_vobject(ics: bytes) -> list[str]:
    return sorted({e.uid.value for e in getattr(parse_vobject(ics), "vevent_list", [])})


def fetch(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.data[:300])
    return response


def both_parsers(ics: bytes) -> list[str]:
    """Parse with two independent parsers; they must agree on which events the feed holds."""
    first, second = uids_ical(ics), uids_vobject(ics)
    assert first == second
    return first


@pytest.fixture
def world(request, app):
    """Two organizations (one with a child), an agreement between them, and a handful of events."""
    return snapshot_value(request, "world")


def build_world(app) -> dict:
    make = Factory(app.test_client(), {"Authorization": f"Bearer {make_token(app)}"})
    parent = make.organization(name="Bộ Thông tin và Truyền thông")
    child = make.organization(name="Ban cán sự Đảng Bộ TT&TT", parent=parent["slug"])
    other = make.organization(name="Đảng ủy Khối Doanh nghiệp Trung ương")
    witness = make.organization(name="Tạp chí Cộng sản")
    lonely = make.organization(name="Ban Kinh tế Trung ương")
    agreement = make.agreement(parties=[
        {"organization": child["slug"], "role": "signatory", "signatory_name": "Trương Minh Tuấn",
         "signatory_title": "Bộ trưởng"},
        {"organization": other["slug"], "role": "signatory", "signatory_name": "Phạm Viết Thanh",
         "signatory_title": "Bí thư"},
        {"organization": witness["slug"], "role": "witness", "signatory_name": "Nguyễn Văn Bình"},
    ], title="Quy chế phối hợp công tác Đảng ủy Khối")
    events = {
        "ceremony": make.event(title="Lễ ký kết Quy chế phối hợp", kind="signing_ceremony",
                               agreement=agreement["slug"], location="Hà Nội"),
        "workshop": make.event(title="Hội thảo khoa học “Khơi thông nguồn lực”", kind="joint_workshop",
                               organizations=[other["slug"]]),
        "volunteer": make.event(title="Chương trình tình nguyện “Tết ấm yêu thương”", kind="volunteer_program",
                                all_day=True, starts_at=None, ends_at=None, start_date="2027-01-20",
                                end_date="2027-01-22", organizations=[other["slug"]]),
        "review": make.event(title="Hội nghị giao ban 6 tháng", kind="review_meeting", agreement=agreement["slug"],
                             starts_at="2024-03-05T14:00:00+07:00", ends_at="2024-03-05T16:00:00+07:00",
                             rrule="FREQ=MONTHLY;INTERVAL=6"),
        "internal": make.event(title="Họp nội bộ chuẩn bị", kind="other", visibility="internal",
                               organizations=[child["slug"]]),
        "tentative": make.event(title="Tọa đàm dự kiến", kind="joint_workshop", status="tentative",
                                organizations=[child["slug"]]),
        "old": make.event(title="Hội thảo năm 2020", kind="joint_workshop", organizations=[other["slug"]],
                          starts_at="2020-03-05T14:00:00+07:00", ends_at="2020-03-05T16:00:00+07:00"),
        "lonely": make.event(title="Sự kiện riêng", kind="other", organizations=[lonely["slug"]]),
    }
    return {"parent": parent, "child": child, "other": other, "witness": witness, "lonely": lonely,
            "agreement": agreement, "events": events}


SNAPSHOTS = {"world": build_world}  # made once per session (under TODAY); each test starts from its own copy


def uids(world, *names) -> list[str]:
    return sorted(world["events"][n]["uid"] for n in names)


def feed_token(client, auth, slug) -> str:
    response = client.get(f"/api/v1/organizations/{slug}/feed-token", headers=auth)
    assert response.status_code == 200
    return response.get_json()["token"]


# --- which events each feed holds --------------------------------------------------------------


def test_organization_feed_holds_direct_and_agreement_events(client, world):
    """Direct participation and any party role (signatory, witness) both count; internal ones stay out."""
    child = both_parsers(fetch(client, f"/feeds/organizations/{world['child']['slug']}.ics").data)
    assert child == uids(world, "ceremony", "review", "tentative")
    witness = both_parsers(fetch(client, f"/feeds/organizations/{world['witness']['slug']}.ics").data)
    assert witness == uids(world, "ceremony", "review")
    other = both_parsers(fetch(client, f"/feeds/organizations/{world['other']['slug']}.ics").data)
    assert other == uids(world, "ceremony", "workshop", "volunteer", "review")


def test_include_children_adds_descendants_events(client, world):
    """A ministry's feed with include=children shows its committee's events too."""
    slug = world["parent"]["slug"]
    assert both_parsers(fetch(client, f"/feeds/organizations/{slug}.ics").data) == []
    assert both_parsers(fetch(client, f"/feeds/organizations/{slug}.ics?include=children").data) == uids(
        world, "ceremony", "review", "tentative")


def test_agreement_and_all_feeds(client, world):
    """The agreement feed has its events; all.ics every public one; organizations= combines a few."""
    agreement = both_parsers(fetch(client, f"/feeds/agreements/{world['agreement']['slug']}.ics").data)
    assert agreement == uids(world, "ceremony", "review")
    everything = both_parsers(fetch(client, "/feeds/all.ics").data)
    assert everything == uids(world, "ceremony", "workshop", "volunteer", "review", "tentative", "lonely")
    combined = f"/feeds/all.ics?organizations={world['lonely']['slug']},{world['witness']['slug']}"
    assert both_parsers(fetch(client, combined).data) == uids(world, "ceremony", "review", "lonely")


def test_single_event_feed(client, auth, world):
    """/events/<id>.ics serves one event; an internal one only to a signed-in caller, never cached by proxies."""
    ceremony = world["events"]["ceremony"]
    response = fetch(client, f"/events/{ceremony['id']}.ics")
    assert both_parsers(response.data) == [ceremony["uid"]]
    assert response.headers["Content-Disposition"] == f'inline; filename="event-{ceremony["id"]}.ics"'
    internal = world["events"]["internal"]
    assert client.get(f"/events/{internal['id']}.ics").status_code == 404
    private = fetch(client, f"/events/{internal['id']}.ics", headers=auth)
    assert both_parsers(private.data) == [internal["uid"]]
    assert private.headers["Cache-Control"] == "private, no-store"
    assert client.get("/events/999999.ics").status_code == 404


def test_an_event_file_adds_the_event_rather_than_a_calendar(client, world):
    """Issue 11: /events/<id>.ics carries no calendar name, refresh interval or TTL (Outlook and Apple
    subscribe to a file that names a calendar); the subscription feeds keep all four."""
    names = ("NAME", "X-WR-CALNAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL", "X-WR-CALDESC", "X-WR-RELCALID")

    def calendar_level(url):
        lines = content_lines(fetch(client, url).data)
        return {line.split(":")[0].split(";")[0] for line in lines[:lines.index("BEGIN:VTIMEZONE")]}

    assert calendar_level(f"/events/{world['events']['ceremony']['id']}.ics") == {
        "BEGIN", "VERSION", "PRODID", "CALSCALE"}
    assert set(names) <= calendar_level(f"/feeds/agreements/{world['agreement']['slug']}.ics")


def test_an_override_changes_only_its_series_in_the_feed(client, auth, world):
    """Issue 11: the series' master VEVENT changes with an occurrence; every other event keeps its bytes."""
    url = f"/feeds/organizations/{world['other']['slug']}.ics"

    def vevents(ics: bytes) -> dict[str, bytes]:
        found = {}
        for chunk in ics.split(b"BEGIN:VEVENT\r\n")[1:]:
            uid = chunk.split(b"\r\nUID:", 1)[1].split(b"\r\n", 1)[0].decode()
            found[uid] = found.get(uid, b"") + chunk
        return found

    before = vevents(fetch(client, url).data)
    review = world["events"]["review"]
    assert client.put(f"/api/v1/events/{review['id']}/occurrences/2027-03-05T14:00:00", headers=auth,
                      json={"status": "cancelled"}).status_code == 201
    after = vevents(fetch(client, url).data)
    assert {uid for uid in before if before[uid] != after[uid]} == {review["uid"]}


@pytest.mark.parametrize("url", [
    "/feeds/organizations/khong-co.ics", "/feeds/agreements/khong-co.ics",
    "/feeds/all.ics?organizations=khong-co", "/feeds/organizations/UPPER.ics",
])
def test_unknown_scope_is_404_json(client, world, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


# --- private feeds ------------------------------------------------------------------------------


def test_private_feed_token_adds_internal_events_and_rotation_revokes(client, auth, world):
    """The token URL adds internal events; a wrong or rotated token is 404, never the public feed."""
    slug = world["child"]["slug"]
    token = feed_token(client, auth, slug)
    private = fetch(client, f"/feeds/organizations/{slug}.ics?token={token}")
    assert both_parsers(private.data) == uids(world, "ceremony", "review", "tentative", "internal")
    assert private.headers["Cache-Control"] == "private, no-store"
    assert "X-WR-CALNAME:Lịch phối hợp — Ban cán sự Đảng Bộ TT&TT (nội bộ)" in content_lines(private.data)
    assert client.get(f"/feeds/organizations/{slug}.ics?token=wrong").status_code == 404
    other_token = feed_token(client, auth, world["other"]["slug"])
    assert client.get(f"/feeds/organizations/{slug}.ics?token={other_token}").status_code == 404
    assert client.get(f"/feeds/agreements/{world['agreement']['slug']}.ics?token={token}").status_code == 404
    rotated = client.post(f"/api/v1/organizations/{slug}/feed-token", headers=auth).get_json()["token"]
    assert rotated != token
    assert client.get(f"/feeds/organizations/{slug}.ics?token={token}").status_code == 404
    assert fetch(client, f"/feeds/organizations/{slug}.ics?token={rotated}").status_code == 200


# --- HTTP behaviour -----------------------------------------------------------------------------


def test_headers_of_a_public_feed(client, world):
    response = fetch(client, f"/feeds/organizations/{world['child']['slug']}.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'inline; filename="{world["child"]["slug"]}.ics"'
    assert response.headers["Cache-Control"] == "public, max-age=900"
    assert response.headers["ETag"].startswith('"') and len(response.headers["ETag"]) == 34
    assert response.headers["Last-Modified"].endswith(" GMT")


def test_head_matches_get(client, world):
    url = f"/feeds/organizations/{world['other']['slug']}.ics"
    get, head = fetch(client, url), client.head(url)
    assert head.status_code == 200 and head.data == b""
    for name in ("ETag", "Last-Modified", "Cache-Control", "Content-Type", "Content-Length"):
        assert head.headers[name] == get.headers[name]


def test_conditional_requests(client, world):
    """304 for a matching ETag or a recent If-Modified-Since; If-None-Match decides when both are sent."""
    url = f"/feeds/organizations/{world['other']['slug']}.ics"
    first = fetch(client, url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    assert client.get(url, headers={"If-None-Match": '"stale"', "If-Modified-Since": modified}).status_code == 200
    assert client.head(url, headers={"If-None-Match": etag}).status_code == 304


def test_etag_includes_the_day(client, world, clock):
    """The window moves at midnight, so the same data gives another ETag the next day."""
    url = f"/feeds/organizations/{world['other']['slug']}.ics"
    etag = fetch(client, url).headers["ETag"]
    clock.advance(timedelta(days=1))
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_etag_follows_feed_settings(app, client, world):
    """A changed retention or window setting changes what the feed holds, so it changes the ETag."""
    url = f"/feeds/organizations/{world['other']['slug']}.ics"
    etag = fetch(client, url).headers["ETag"]
    app.config["FEED_PAST_DAYS"] = 3000
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and world["events"]["old"]["uid"] in both_parsers(response.data)


# --- what every feed gets right ------------------------------------------------------------------


def test_wire_format(client, world):
    """CRLF only, lines of at most 75 octets, folds never split a UTF-8 character."""
    ics = fetch(client, "/feeds/all.ics?alarm=PT30M").data
    physical = ics.split(b"\r\n")
    assert physical[-1] == b"" and b"\n" not in b"".join(physical) and b"\r" not in b"".join(physical)
    assert max(len(line) for line in physical) <= 75
    for line in physical:
        line.decode("utf-8")  # each folded piece is valid UTF-8 on its own


@pytest.mark.parametrize("line", [
    "VERSION:2.0", "CALSCALE:GREGORIAN", "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H", "TZID:Asia/Ho_Chi_Minh",
])
def test_calendar_properties(client, world, line):
    assert line in content_lines(fetch(client, f"/feeds/agreements/{world['agreement']['slug']}.ics").data)


def test_calendar_names_and_ids_read_by_parsers(client, world):
    slug = world["agreement"]["slug"]
    ics = fetch(client, f"/feeds/agreements/{slug}.ics").data
    cal = parse_ical(ics)
    assert cal.name == ["Quy chế phối hợp công tác Đảng ủy Khối"]
    assert cal.x_wr_timezone == "Asia/Ho_Chi_Minh" and cal.refresh_interval == timedelta(hours=1)
    vcal = parse_vobject(ics)
    assert vcal.x_wr_calname.value == "Quy chế phối hợp công tác Đảng ủy Khối"
    assert vcal.x_wr_relcalid.value == f"agreement-{world['agreement']['id']}@calendar-app"
    narrowed = parse_vobject(fetch(client, f"/feeds/agreements/{slug}.ics?kind=review_meeting").data)
    assert narrowed.x_wr_relcalid.value.startswith(f"agreement-{world['agreement']['id']}-")


def test_a_filtered_feeds_identity_is_what_it_is_not_the_code(client, monkeypatch):
    """Defect: the id of a filtered feed was derived from BUILD_ID, so any code change renamed the calendar."""
    from calendar_app import validators

    url = "/feeds/all.ics?kind=joint_workshop"
    ids = ["X-WR-RELCALID:all-161b73908a@calendar-app"]
    assert set(ids) <= set(content_lines(fetch(client, url).data))
    monkeypatch.setattr(validators, "build_key", lambda: "another-deployment")
    assert set(ids) <= set(content_lines(fetch(client, url).data))


def test_event_properties(client, world):
    """Stored UID, TZID times, kind category, transparency and a description that leads back."""
    ceremony = world["events"]["ceremony"]
    ics = fetch(client, f"/events/{ceremony['id']}.ics").data
    event = parse_ical(ics).events[0]
    assert event.uid == ceremony["uid"] and event.sequence == 0
    assert event.dtstart == datetime(2026, 12, 15, 8, 30, tzinfo=HCM)
    assert event.dtstart.tzinfo.key == "Asia/Ho_Chi_Minh"
    assert event.categories == ["Lễ ký kết"] and event.location == "Hà Nội"
    assert event.transparency == "TRANSPARENT" and event.status == "CONFIRMED"
    assert event.url == f"http://localhost/events/{ceremony['id']}"
    description = parse_vobject(ics).vevent.description.value
    assert description == "\n".join([
        "Văn bản: Quy chế phối hợp công tác Đảng ủy Khối (Quy chế phối hợp)",
        "Các bên:",
        f"- {world['child']['name']} (bên ký kết): Bộ trưởng Trương Minh Tuấn",
        f"- {world['other']['name']} (bên ký kết): Bí thư Phạm Viết Thanh",
        f"- {world['witness']['name']} (chứng kiến): Nguyễn Văn Bình",
        f"Chi tiết: http://localhost/events/{ceremony['id']}",
        f"Toàn văn: http://localhost/agreements/{world['agreement']['slug']}",
    ])
    lines = content_lines(ics)
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20261215T083000" in lines and "TRANSP:TRANSPARENT" in lines


def test_all_day_event_has_exclusive_date_end(client, world):
    volunteer = world["events"]["volunteer"]
    lines = content_lines(fetch(client, f"/events/{volunteer['id']}.ics").data)
    assert "DTSTART;VALUE=DATE:20270120" in lines and "DTEND;VALUE=DATE:20270123" in lines
    event = parse_ical(fetch(client, f"/events/{volunteer['id']}.ics").data).events[0]
    assert (event.dtstart, event.dtend) == (date(2027, 1, 20), date(2027, 1, 23))


def test_public_base_url_is_used_for_links(app, client, world):
    app.config["PUBLIC_BASE_URL"] = "https://lich.example.vn"
    ceremony = world["events"]["ceremony"]
    event = parse_ical(fetch(client, f"/events/{ceremony['id']}.ics").data).events[0]
    assert event.url == f"https://lich.example.vn/events/{ceremony['id']}"


def test_user_text_cannot_inject_and_vietnamese_survives(client, make, world):
    """Separators in titles/places and line breaks in descriptions stay text; Đ/đ stay byte for byte."""
    title = "Đề án: “Đổi mới”; đánh giá, tổng kết \\ BEGIN:VALARM"
    location = "Số 1; Đường Điện Biên Phủ, Đà Nẵng: phòng \\1"
    description = "Dòng một\nATTENDEE:mailto:evil@example.com\r\nEND:VEVENT\nBEGIN:VEVENT\nUID:giả"
    event = make.event(title=title, location=location, description=description,
                       organizations=[world["lonely"]["slug"]])
    ics = fetch(client, f"/events/{event['id']}.ics").data
    assert title.encode() not in ics or b"\\;" in ics  # escaped on the wire
    assert "Đề án".encode() in ics.replace(b"\r\n ", b"")
    lines = content_lines(ics)
    assert [line for line in lines if line.startswith(("ATTENDEE", "UID:giả"))] == []
    assert lines.count("BEGIN:VEVENT") == 1 and not any(line.startswith("BEGIN:VALARM") for line in lines)
    parsed = parse_ical(ics).events
    assert len(parsed) == 1
    assert (parsed[0].summary, parsed[0].location) == (title, location)
    assert parsed[0].description.startswith(description.replace("\r\n", "\n") + "\n\n")
    vevent = parse_vobject(ics).vevent
    assert (vevent.summary.value, vevent.location.value) == (title, location)


def test_every_zone_used_gets_a_vtimezone(client, make, world):
    """A Berlin event next to Ho Chi Minh ones: both VTIMEZONEs, and parsers read the right offsets."""
    make.event(title="Hội thảo tại Berlin", timezone="Europe/Berlin", organizations=[world["lonely"]["slug"]],
               starts_at="2026-12-15T10:00:00+01:00", ends_at="2026-12-15T12:00:00+01:00")
    make.event(title="Gặp mặt", organizations=[world["lonely"]["slug"]])
    ics = fetch(client, f"/feeds/organizations/{world['lonely']['slug']}.ics").data
    assert [line for line in content_lines(ics) if line.startswith("TZID:")] == [
        "TZID:Asia/Ho_Chi_Minh", "TZID:Europe/Berlin"]
    starts = sorted(e.dtstart.isoformat() for e in parse_ical(ics).events if e.dtstart.tzinfo)
    assert "2026-12-15T10:00:00+01:00" in starts and "2026-12-15T08:30:00+07:00" in starts
    assert all(e.dtstart.value.tzinfo is not None for e in parse_vobject(ics).vevent_list)


def test_overrides_of_a_rescheduled_series_are_left_out(client, auth, world):
    """When the series moves, overrides of occurrences that no longer exist must not reach clients."""
    review = world["events"]["review"]
    assert client.put(f"/api/v1/events/{review['id']}/occurrences/2026-03-05T14:00:00", headers=auth,
                      json={"status": "cancelled"}).status_code == 201
    assert client.patch(f"/api/v1/events/{review['id']}", headers=auth, json={
        "starts_at": "2024-03-06T14:00:00+07:00", "ends_at": "2024-03-06T16:00:00+07:00"}).status_code == 200
    lines = content_lines(fetch(client, f"/events/{review['id']}.ics").data)
    assert lines.count("BEGIN:VEVENT") == 1 and not any(line.startswith("RECURRENCE-ID") for line in lines)


def test_combined_feed_with_children(client, world):
    url = f"/feeds/all.ics?organizations={world['parent']['slug']},{world['lonely']['slug']}&include=children"
    assert both_parsers(fetch(client, url).data) == uids(world, "ceremony", "review", "tentative", "lonely")


# --- filters --------------------------------------------------------------------------------------


def test_kind_cancelled_and_tentative_filters(client, auth, world):
    slug = world["child"]["slug"]
    assert both_parsers(fetch(client, f"/feeds/organizations/{slug}.ics?kind=review_meeting,signing_ceremony").data) \
        == uids(world, "ceremony", "review")
    assert both_parsers(fetch(client, f"/feeds/organizations/{slug}.ics?tentative=hide").data) \
        == uids(world, "ceremony", "review")
    ceremony = world["events"]["ceremony"]
    assert client.patch(f"/api/v1/events/{ceremony['id']}", json={"status": "cancelled"},
                        headers=auth).status_code == 200
    assert both_parsers(fetch(client, f"/feeds/organizations/{slug}.ics?cancelled=hide").data) \
        == uids(world, "review", "tentative")
    shown = fetch(client, f"/feeds/organizations/{slug}.ics").data
    cancelled = [e for e in parse_ical(shown).events if e.uid == ceremony["uid"]]
    assert [(e.status, e.sequence) for e in cancelled] == [("CANCELLED", 1)]


def test_alarm_adds_a_valarm_per_event(client, world):
    ics = fetch(client, f"/feeds/agreements/{world['agreement']['slug']}.ics?alarm=P1D").data
    lines = content_lines(ics)
    assert lines.count("BEGIN:VALARM") == 2 and lines.count("TRIGGER:-P1D") == 2
    assert all(len(e.alarm) == 1 for e in parse_ical(ics).events)
    plain = content_lines(fetch(client, f"/feeds/agreements/{world['agreement']['slug']}.ics").data)
    assert "BEGIN:VALARM" not in plain


@pytest.mark.parametrize("query, field", [
    ("alarm=tomorrow", "alarm"), ("alarm=P", "alarm"), ("alarm=P60D", "alarm"), ("kind=party", "kind"),
    ("cancelled=maybe", "cancelled"), ("tentative=1", "tentative"), ("since=2026-13-01", "since"),
    ("since=1800-01-01", "since"), ("include=parents", "include"), ("organizations=a", "organizations"),
])
def test_bad_filter_values_are_400_json(client, world, query, field):
    response = client.get(f"/feeds/organizations/{world['child']['slug']}.ics?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == 400 and list(body["errors"]) == [field]
    assert body["message"].startswith("Invalid feed arguments: " + field)


# --- window and retention -------------------------------------------------------------------------


def test_window_leaves_out_old_events_but_keeps_running_series(client, world):
    """Events that ended over a year ago drop out; since= brings them back; older series stay."""
    slug = world["other"]["slug"]
    assert world["events"]["old"]["uid"] not in both_parsers(fetch(client, f"/feeds/organizations/{slug}.ics").data)
    assert world["events"]["review"]["uid"] in both_parsers(fetch(client, f"/feeds/organizations/{slug}.ics").data)
    since = both_parsers(fetch(client, f"/feeds/organizations/{slug}.ics?since=2020-01-01").data)
    assert world["events"]["old"]["uid"] in since


def test_cancelled_events_stay_for_the_retention_time_then_drop(client, auth, world, clock):
    """A cancelled event stays (STATUS:CANCELLED) for 30 days after cancellation so clients remove it."""
    workshop = world["events"]["workshop"]
    assert client.patch(f"/api/v1/events/{workshop['id']}", json={"status": "cancelled"},
                        headers=auth).status_code == 200
    url = f"/feeds/organizations/{world['other']['slug']}.ics"
    clock.advance(timedelta(days=29))  # cancelled on TODAY
    events = [e for e in parse_ical(fetch(client, url).data).events if e.uid == workshop["uid"]]
    assert [(e.status, e.sequence) for e in events] == [("CANCELLED", 1)]
    clock.advance(timedelta(days=3))
    assert workshop["uid"] not in both_parsers(fetch(client, url).data)


# --- recurrences and overrides --------------------------------------------------------------------


def test_series_with_overrides_expands_as_rfc_says(client, auth, world):
    """A moved and a cancelled occurrence come out as RECURRENCE-ID VEVENTs every parser applies."""
    review = world["events"]["review"]
    base = f"/api/v1/events/{review['id']}/occurrences"
    moved = client.put(f"{base}/2026-03-05T14:00:00", headers=auth,
                       json={"starts_at": "2026-03-06T09:00:00+07:00", "location": "Phòng họp số 2"})
    assert moved.status_code == 201, moved.get_json()
    cancelled = client.put(f"{base}/2026-09-05T14:00:00+07:00", headers=auth, json={"status": "cancelled"})
    assert cancelled.status_code == 201, cancelled.get_json()
    ics = fetch(client, f"/events/{review['id']}.ics").data
    expanded = recurring_ical_events.of(icalendar.Calendar.from_ical(ics)).between(date(2025, 1, 1),
                                                                                   date(2027, 12, 31))
    found = sorted((o["DTSTART"].dt, str(o.get("STATUS")), str(o.get("LOCATION", ""))) for o in expanded)
    assert found == [
        (datetime(2025, 3, 5, 14, tzinfo=HCM), "CONFIRMED", ""),
        (datetime(2025, 9, 5, 14, tzinfo=HCM), "CONFIRMED", ""),
        (datetime(2026, 3, 6, 9, tzinfo=HCM), "CONFIRMED", "Phòng họp số 2"),
        (datetime(2026, 9, 5, 14, tzinfo=HCM), "CANCELLED", ""),
        (datetime(2027, 3, 5, 14, tzinfo=HCM), "CONFIRMED", ""),
        (datetime(2027, 9, 5, 14, tzinfo=HCM), "CONFIRMED", ""),
    ]
    recurrence_ids = sorted(e.recurrence_id for e in parse_ical(ics).events if e.recurrence_id)
    assert recurrence_ids == ["20260305T140000", "20260905T140000"]
    hidden = fetch(client, f"/events/{review['id']}.ics?cancelled=hide").data
    lines = content_lines(hidden)
    assert "EXDATE;TZID=Asia/Ho_Chi_Minh:20260905T140000" in lines and lines.count("BEGIN:VEVENT") == 2


def test_tentative_hide_drops_a_tentative_occurrence_of_a_confirmed_series(client, auth, world):
    review = world["events"]["review"]
    base = f"/api/v1/events/{review['id']}/occurrences"
    assert client.put(f"{base}/2026-03-05T14:00:00", headers=auth, json={"status": "tentative"}).status_code == 201
    assert client.put(f"{base}/2026-09-05T14:00:00", headers=auth, json={"status": "cancelled"}).status_code == 201
    shown = content_lines(fetch(client, f"/events/{review['id']}.ics").data)
    assert shown.count("BEGIN:VEVENT") == 3 and not any(line.startswith("EXDATE") for line in shown)
    tentative_hidden = content_lines(fetch(client, f"/events/{review['id']}.ics?tentative=hide").data)
    assert [line for line in tentative_hidden if line.startswith("EXDATE")] == [
        "EXDATE;TZID=Asia/Ho_Chi_Minh:20260305T140000"]
    assert tentative_hidden.count("BEGIN:VEVENT") == 2  # the series and its cancelled occurrence
    both_hidden = content_lines(fetch(client, f"/events/{review['id']}.ics?tentative=hide&cancelled=hide").data)
    assert [line for line in both_hidden if line.startswith("EXDATE")] == [
        "EXDATE;TZID=Asia/Ho_Chi_Minh:20260305T140000,20260905T140000"]
    assert both_hidden.count("BEGIN:VEVENT") == 1


# --- a client's subscription ---------------------------------------------------------------------


def test_client_sees_exactly_the_changes_with_bumped_sequences(client, auth, world):
    """Fetch, move one event, cancel another, change one occurrence, fetch again with the old ETag."""
    url = f"/feeds/organizations/{world['other']['slug']}.ics"
    first = fetch(client, url)
    before = {(e.uid, e.recurrence_id): e for e in parse_ical(first.data).events}
    workshop, volunteer, review = (world["events"][n] for n in ("workshop", "volunteer", "review"))
    assert client.patch(f"/api/v1/events/{workshop['id']}", headers=auth, json={
        "starts_at": "2026-12-16T08:30:00+07:00", "ends_at": "2026-12-16T11:00:00+07:00"}).status_code == 200
    assert client.patch(f"/api/v1/events/{volunteer['id']}", headers=auth,
                        json={"status": "cancelled"}).status_code == 200
    assert client.put(f"/api/v1/events/{review['id']}/occurrences/2027-03-05T14:00:00", headers=auth,
                      json={"title": "Hội nghị giao ban mở rộng"}).status_code == 201
    second = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    after = {(e.uid, e.recurrence_id): e for e in parse_ical(second.data).events}
    assert set(after) - set(before) == {(review["uid"], "20270305T140000")}
    assert set(before) - set(after) == set()
    changed = {key for key in before if before[key].model_dump() != after[key].model_dump()}
    # The series' master changes with its occurrence (issue 11: clients keying on it saw nothing).
    assert changed == {(workshop["uid"], None), (volunteer["uid"], None), (review["uid"], None)}
    master_before, master_after = before[(review["uid"], None)], after[(review["uid"], None)]
    assert master_after.sequence > master_before.sequence  # (the held clock keeps DTSTAMP where it was)
    assert after[(workshop["uid"], None)].dtstart == datetime(2026, 12, 16, 8, 30, tzinfo=HCM)
    assert after[(workshop["uid"], None)].sequence == before[(workshop["uid"], None)].sequence + 1
    assert (after[(volunteer["uid"], None)].status, after[(volunteer["uid"], None)].sequence) == ("CANCELLED", 1)
    override = after[(review["uid"], "20270305T140000")]
    assert (override.summary, override.sequence) == ("Hội nghị giao ban mở rộng", 1)
    assert client.get(url, headers={"If-None-Match": second.headers["ETag"]}).status_code == 304
