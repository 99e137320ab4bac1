"""FEED_MAX_EVENTS: a feed whose selection holds more events answers 400 saying how to narrow it (issue 15).

Every feed URL goes through feeds.routes._serve, which counts the selection before any template is
read; these tests set a small limit and ask each kind of feed.
"""

import pytest

from calendar_app.feeds import cache
from calendar_app.errors import FeedTooLarge

LIMIT = 2


@pytest.fixture
def world(app, make, client, auth):
    """`big` takes part in three public events (and one internal one), `small` in one; one agreement holds two."""
    big, small, third = make.organization(), make.organization(), make.organization()
    agreement = make.agreement(parties=[{"organization": small["slug"], "role": "signatory"},
                                        {"organization": third["slug"], "role": "party"}])
    for n in range(3):
        make.event(title=f"Hội thảo {n}", organizations=[big["slug"]])
    make.event(title="Họp nội bộ", organizations=[big["slug"]], visibility="internal")
    make.event(title="Tọa đàm", organizations=[small["slug"]])
    make.event(title="Ký kết", agreement=agreement["slug"])
    lone = make.event(title="Một mình", organizations=[small["slug"]], agreement=agreement["slug"])
    token = client.get(f"/api/v1/organizations/{big['slug']}/feed-token", headers=auth).get_json()["token"]
    link = client.post("/api/v1/feed-links", headers=auth, json={"name": "Điện thoại", "organizations": [big["slug"]]})
    personal = link.get_json()["feeds"]["https"].removeprefix("http://localhost")
    app.config["FEED_MAX_EVENTS"] = LIMIT
    return {"big": big["slug"], "small": small["slug"], "agreement": agreement["slug"], "token": token,
            "personal": personal, "lone": lone["id"]}


def _refused(response) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert body["message"].startswith(f"This feed holds more than {LIMIT} events")
    assert "organizations=" in body["message"] and "/feeds/organizations/<slug>.ics" in body["message"]
    assert body["errors"] == {"organizations": [f"Choose organizations: the feed would hold more than {LIMIT} events."]}


@pytest.mark.parametrize("path, over", [
    ("/feeds/all.ics", True),
    ("/feeds/all.ics?organizations={big}", True),
    ("/feeds/all.ics?organizations={small}", True),  # Tọa đàm and Một mình, and Ký kết through the agreement
    ("/feeds/all.ics?organizations={small}&kind=review_meeting", False),
    ("/feeds/organizations/{big}.ics", True),
    ("/feeds/organizations/{big}.ics?alarm=PT1H", True),
    ("/feeds/organizations/{big}.ics?kind=review_meeting", False),
    ("/feeds/organizations/{big}.ics?token={token}", True),
    ("/feeds/agreements/{agreement}.ics", False),
    ("/events/{lone}.ics", False),
    ("{personal}", True),
])
def test_every_feed_path_refuses_a_selection_over_the_limit(client, world, path, over):
    url = path.format(**world)
    response = client.get(url)
    if over:
        _refused(response)
        _refused(client.get(url))  # never cached, never repeated by the shortcut as a 200
        assert client.head(url).status_code == 400
    else:
        assert response.status_code == 200 and response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_the_public_count_leaves_internal_events_out(client, world, app):
    app.config["FEED_MAX_EVENTS"] = 3  # big: three public events, four with the internal one
    assert client.get(f"/feeds/organizations/{world['big']}.ics").status_code == 200
    _refused_at = client.get(f"/feeds/organizations/{world['big']}.ics?token={world['token']}")
    assert _refused_at.status_code == 400 and "more than 3 events" in _refused_at.get_json()["message"]


def test_the_limit_is_counted_before_any_template_is_read(client, world, monkeypatch):
    def no_assembly(*_args, **_kwargs):
        raise AssertionError("assembled a feed over the limit")

    monkeypatch.setattr(cache, "assemble", no_assembly)
    _refused(client.get("/feeds/all.ics"))


def test_a_feed_grown_over_the_limit_is_refused_even_with_its_old_etag(client, world, make):
    small = f"/feeds/organizations/{world['small']}.ics?kind=joint_workshop&cancelled=hide"
    first = client.get(small)
    assert first.status_code == 400  # three events already
    agreement = f"/feeds/agreements/{world['agreement']}.ics"
    served = client.get(agreement)
    assert served.status_code == 200
    make.event(title="Thêm một", agreement=world["agreement"])
    _refused(client.get(agreement, headers={"If-None-Match": served.headers["ETag"]}))


def test_the_error_names_the_limit_with_thousands_separated():
    assert "more than 200,000 events" in FeedTooLarge(200_000).message


def test_the_month_views_subscribe_box_does_not_offer_all_ics_over_the_limit(client, world):
    html = client.get("/").get_data(as_text=True)
    assert "/feeds/all.ics" not in html and "Lịch đang xem có quá nhiều sự kiện cho một lịch" in html
    narrowed = client.get(f"/?organization={world['small']}&kind=review_meeting").get_data(as_text=True)
    assert f"/feeds/all.ics?organizations={world['small']}&amp;kind=review_meeting" in narrowed
