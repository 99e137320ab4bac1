"""Feeds with ?obligations=1: open periods as all-day VEVENTs with a VALARM, read by independent parsers."""

from datetime import date, datetime, timedelta, timezone

import pytest
from test_feeds import both_parsers, content_lines, fetch, parse_ical, parse_vobject

TERM = {"valid_from": "2020-03-05", "valid_until": "2025-03-04"}


@pytest.fixture
def followed(client, auth, make, clock):
    """A regulation between A (under P) and B, 6-monthly reviews, at 1 December 2024 (periods 10 is the last)."""
    clock.set(date(2024, 12, 1))
    p = make.organization(name="Bộ Thông tin và Truyền thông")
    a = make.organization(name="Ban cán sự Đảng", parent=p["slug"])
    b = make.organization(name="Đảng ủy Khối")
    agreement = make.agreement(parties=[{"organization": a["slug"], "role": "signatory"},
                                        {"organization": b["slug"], "role": "signatory"}],
                               title="Quy chế phối hợp; CHỈ: thử, ATTENDEE:mailto:x@y", review_every_months=6, **TERM)
    [review] = client.get(f"/api/v1/agreements/{agreement['slug']}/obligations").get_json()["items"]
    return {"p": p, "a": a, "b": b, "agreement": agreement, "review": review}


def obligation_uids(ics: bytes) -> list[str]:
    return [uid for uid in both_parsers(ics) if uid.startswith("obligation-")]


def test_open_periods_are_all_day_events_with_the_reminder_and_go_once_fulfilled(client, auth, followed):
    slug, review = followed["agreement"]["slug"], followed["review"]
    url = f"/feeds/organizations/{followed['a']['slug']}.ics?obligations=1"
    ics = fetch(client, url).data
    # Within the past year (FEED_PAST_DAYS): periods 8 and 9 overdue, 10 upcoming.
    assert obligation_uids(ics) == [f"obligation-{review['id']}-{n}@calendar-app" for n in (10, 8, 9)]
    [last] = [e for e in parse_ical(ics).events if e.uid == f"obligation-{review['id']}-10@calendar-app"]
    assert (last.dtstart, last.dtend) == (date(2025, 3, 5), date(2025, 3, 6))
    assert last.summary == "Hạn: Hội nghị giao ban 6 tháng — Quy chế phối hợp; CHỈ: thử, ATTENDEE:mailto:x@y"
    vevent = [v for v in parse_vobject(ics).vevent_list if v.uid.value.endswith("-10@calendar-app")][0]
    assert vevent.valarm.trigger.value == -timedelta(days=14)
    assert "ATTENDEE" not in [line.split(":")[0] for line in content_lines(ics)]
    assert "obligation-" not in fetch(client, f"/feeds/organizations/{followed['a']['slug']}.ics").get_data(as_text=True)
    etag = fetch(client, url).headers["ETag"]
    assert client.put(f"/api/v1/agreements/{slug}/obligations/{review['id']}/periods/9", json={"held_on": "2024-09-06"},
                      headers=auth).status_code == 200
    again = fetch(client, url)
    assert again.headers["ETag"] != etag
    assert obligation_uids(again.data) == [f"obligation-{review['id']}-{n}@calendar-app" for n in (10, 8)]


def test_parents_agreement_and_private_feeds_carry_them_and_internal_ones_stay_private(app, client, auth, followed):
    slug, a = followed["agreement"]["slug"], followed["a"]["slug"]
    internal = client.post(f"/api/v1/agreements/{slug}/obligations", headers=auth, json={
        "kind": "other", "title": "Nội bộ: chuẩn bị", "due_on": "2024-12-20", "visibility": "internal"}).get_json()
    uid = f"obligation-{internal['id']}-1@calendar-app"
    parent = f"/feeds/organizations/{followed['p']['slug']}.ics?obligations=1"
    assert len(obligation_uids(fetch(client, parent).data)) == 0  # the parent's own feed holds its own agreements
    assert len(obligation_uids(fetch(client, parent + "&include=children").data)) == 3
    public_feeds = [f"/feeds/organizations/{a}.ics?obligations=1", f"/feeds/agreements/{slug}.ics?obligations=1",
                    parent + "&include=children"]
    for url in public_feeds:
        assert uid not in fetch(client, url).get_data(as_text=True), url
    token = client.get(f"/api/v1/organizations/{a}/feed-token", headers=auth).get_json()["token"]
    private = fetch(client, f"/feeds/organizations/{a}.ics?obligations=1&token={token}").data
    assert uid in obligation_uids(private)


@pytest.mark.parametrize("url, status", [
    ("/feeds/all.ics?obligations=1", 400),
    ("/feeds/organizations/{a}.ics?obligations=yes", 400),
])
def test_obligations_only_where_they_belong(client, followed, url, status):
    assert client.get(url.format(a=followed["a"]["slug"])).status_code == status


def test_the_same_data_gives_the_same_bytes(client, followed, clock):
    url = f"/feeds/agreements/{followed['agreement']['slug']}.ics?obligations=1"
    first = fetch(client, url).data
    clock.set(datetime(2024, 12, 1, 20, tzinfo=timezone.utc))  # another hour, the same UTC day
    assert fetch(client, url, headers={"Cache-Control": "no-cache"}).data == first
