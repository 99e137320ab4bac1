"""The subscribe box (options, QR, Google where it can work, addresses under 200 characters) and the event page's links."""

import itertools
import re
from datetime import date, datetime, timedelta, timezone
from html import unescape
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
import segno

from calendar_app import event_links
from calendar_app.schemas.events import EVENT_KINDS
from calendar_app.web.subscribe import MAX_URL_LENGTH, is_public

PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
LONGEST_AGREEMENT = "chuong-trinh-phoi-hop-cu-the-nam-2020-dang-uy-khoi-dn-tw-tap-chi-cong-san"  # the demo's


def addresses(html: str, box: str) -> dict[str, str]:
    """The https, webcal and Google addresses a box shows."""
    start = html.index(f'id="{box}"')
    part = html[start:html.index("</form>", start)]
    found = {"https": unescape(re.search(r'value="([^"]*)" data-feed="https"', part)[1])}
    found["webcal"] = unescape(re.search(r'href="([^"]+)" data-feed="webcal"', part)[1])
    google = re.search(r'href="([^"]+)" data-feed="google"', part)
    found["google"] = unescape(google[1]) if google else None
    return found


@pytest.fixture
def public(app):
    app.config["PUBLIC_BASE_URL"] = "https://lich.example.gov.vn"
    app.config["TRUSTED_HOSTS"] = None
    return app


def page(client, url, agent=DESKTOP_UA):
    response = client.get(url, headers={"User-Agent": agent})
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_options_rewrite_the_address_without_javascript_and_the_feed_answers_it(seeded, public, client):
    html = page(client, "/organizations/tap-chi-cong-san?alarm=PT1H&kind=review_meeting&kind=joint_workshop"
                        "&include=children&since=2020-01-01&prefix=1&expand=1")
    found = addresses(html, "public-feed")
    expected = ("https://lich.example.gov.vn/feeds/organizations/tap-chi-cong-san.ics?kind=joint_workshop,review_meeting"
                "&include=children&since=2020-01-01&alarm=PT1H&prefix=1&expand=1")
    assert found["https"] == expected
    assert found["webcal"] == "webcal://" + expected.split("://", 1)[1]
    assert found["google"].startswith("https://calendar.google.com/calendar/render?cid=webcal://lich.example.gov.vn/")
    assert parse_qs(urlsplit(found["google"]).query)["cid"] == [found["webcal"]]
    assert "%26include=children" in found["google"]  # only & is escaped in the value
    # The form keeps what was chosen, and the feed at the address is valid (a 400 would be a dead subscription).
    assert 'value="PT1H" selected' in html and 'name="prefix" value="1" checked' in html
    assert 'value="review_meeting" checked' in html and 'name="include" value="children" checked' in html
    feed = client.get(expected.removeprefix("https://lich.example.gov.vn"))
    assert feed.status_code == 200, feed.get_data(as_text=True)
    # English pages ask for English labels.
    english = addresses(page(client, "/organizations/tap-chi-cong-san?prefix=1&lang=en"), "public-feed")
    assert english["https"].endswith("tap-chi-cong-san.ics?prefix=1&lang=en")


def test_every_kind_ticked_is_no_kind_filter_and_bad_options_are_named(seeded, public, client):
    every = "&".join(f"kind={kind}" for kind in EVENT_KINDS)
    assert addresses(page(client, f"/organizations/tap-chi-cong-san?{every}"), "public-feed")["https"].endswith(".ics")
    html = page(client, "/organizations/tap-chi-cong-san?alarm=P99D&since=9999-01-01")
    assert addresses(html, "public-feed")["https"].endswith("/feeds/organizations/tap-chi-cong-san.ics")
    assert "alarm:" in html and "since:" in html  # said in the box, not a 400 page


def test_google_button_only_where_google_can_reach_the_address_and_not_on_phones(seeded, app, client):
    """Defect: the Google button was offered on phones and for a localhost address, where it cannot work."""
    local = page(client, "/organizations/tap-chi-cong-san")
    assert addresses(local, "public-feed")["google"] is None
    assert "cannot reach localhost" in unescape(local) or "không truy cập được localhost" in unescape(local)
    app.config["PUBLIC_BASE_URL"] = "https://lich.example.gov.vn"
    app.config["TRUSTED_HOSTS"] = None
    assert addresses(page(client, "/organizations/tap-chi-cong-san"), "public-feed")["google"]
    phone = page(client, "/organizations/tap-chi-cong-san", PHONE_UA)
    assert addresses(phone, "public-feed")["google"] is None and "calendar.google.com" in phone


@pytest.mark.parametrize("url, public_", [
    ("https://lich.example.gov.vn/x", True), ("https://8.8.8.8/x", True), ("http://localhost:5000/x", False),
    ("http://127.0.0.1/x", False), ("http://10.1.2.3/x", False), ("http://[::1]/x", False),
    ("http://lich.local/x", False), ("http://intranet/x", False), ("http://lich.internal/x", False),
])
def test_what_counts_as_public(url, public_):
    assert is_public(url) is public_


def test_every_subscribe_address_stays_under_200_characters(seeded, client, app):
    """The longest realistic filters: the demo's longest agreement slug, a government domain, every option.

    Google fails silently on addresses over 256 characters; the box refuses a combination over 200 and says so.
    """
    app.config["PUBLIC_BASE_URL"] = "https://lichphoihop.dangbokhoidoanhnghieptw.gov.vn"
    app.config["TRUSTED_HOSTS"] = None
    options = "&alarm=PT15M&since=2020-01-01&prefix=1&expand=1"
    refused = 0
    for count in range(len(EVENT_KINDS) + 1):
        for kinds in itertools.combinations(EVENT_KINDS, count):
            query = "".join(f"&kind={k}" for k in kinds) + options
            for url, box in ((f"/agreements/{LONGEST_AGREEMENT}?lang=en{query}", "agreement-feed"),
                             (f"/organizations/ban-can-su-dang-bo-tt-tt?lang=en&include=children{query}", "public-feed"),
                             (f"/?organization=ban-can-su-dang-bo-tt-tt&kind=volunteer_program{query}", "view-feed")):
                html = page(client, url)
                found = addresses(html, box)
                assert len(found["https"]) <= MAX_URL_LENGTH and len(found["webcal"]) <= MAX_URL_LENGTH, found
                assert len(found["google"]) <= 256, found
                if "?" not in found["https"] or "alarm" not in found["https"]:
                    refused += 1
                    assert "too long" in html
    assert refused  # some combinations are too long: the box says so instead of offering them
    # A realistic case fits whole: the longest agreement of the demo, one kind, a reminder, older events, labels.
    app.config["PUBLIC_BASE_URL"] = "https://lich.example.gov.vn"
    found = addresses(page(client, f"/agreements/{LONGEST_AGREEMENT}?kind=joint_workshop&alarm=PT15M"
                                   "&since=2020-01-01&prefix=1&lang=vi"), "agreement-feed")
    assert found["https"].endswith(".ics?kind=joint_workshop&since=2020-01-01&alarm=PT15M&prefix=1")
    assert len(found["google"]) <= 256


def test_month_view_subscribes_to_its_filters(seeded, public, client):
    html = page(client, "/?organization=tap-chi-cong-san&kind=joint_workshop&month=2020-03&alarm=P1D")
    found = addresses(html, "view-feed")
    assert found["https"] == ("https://lich.example.gov.vn/feeds/all.ics?organizations=tap-chi-cong-san"
                              "&kind=joint_workshop&alarm=P1D")
    for name, value in (("organization", "tap-chi-cong-san"), ("kind", "joint_workshop"), ("month", "2020-03")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in html  # the form keeps the view
    ics = client.get(found["https"].removeprefix("https://lich.example.gov.vn") + "&since=2020-01-01")
    assert ics.status_code == 200
    kinds = {str(e["CATEGORIES"].cats[0]) for e in icalendar.Calendar.from_ical(ics.data).walk("VEVENT")}
    assert kinds == {"Hội thảo"}  # the demo's workshop of 2020, and nothing of another kind
    agreement = addresses(page(client, f"/?agreement={LONGEST_AGREEMENT}"), "view-feed")
    assert agreement["https"] == f"https://lich.example.gov.vn/feeds/agreements/{LONGEST_AGREEMENT}.ics"
    assert addresses(page(client, "/"), "view-feed")["https"] == "https://lich.example.gov.vn/feeds/all.ics"


def test_qr_code_is_of_the_https_address(seeded, public, client):
    html = page(client, "/organizations/tap-chi-cong-san?alarm=PT1H")
    https = addresses(html, "public-feed")["https"]
    expected = segno.make(https, error="m").svg_inline(scale=4, omitsize=True, svgclass="qr-code", lineclass="qr-line")
    drawn = re.search(r'<path[^>]*class="qr-line"[^>]*>', html)[0]
    assert drawn in expected  # the same modules as the https address's own code
    image = client.get("/subscribe/qr.svg?path=" + https.removeprefix("https://lich.example.gov.vn").replace(
        "?", "%3F").replace("&", "%26").replace("=", "%3D"))
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert drawn in image.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/events/1", "https://evil.example/x", "/feeds/organizations/x.ics?token=abc",
                                  "/feeds/all.ics?kind=" + "a" * 300])
def test_qr_endpoint_makes_codes_of_public_feed_addresses_only(seeded, client, path):
    assert client.get("/subscribe/qr.svg", query_string={"path": path}).status_code == 404


# --- the event page: Google and Outlook web links ---------------------------------------------------------


def _event(**fields) -> dict:
    return {"id": 7, "title": "Hội thảo “Khơi thông nguồn lực”; Đ/c Bí thư chủ trì & phát biểu", "all_day": False,
            "starts_at": "2026-12-15T08:30:00+07:00", "ends_at": "2026-12-15T11:00:00+07:00",
            "start_date": None, "end_date": None, "timezone": "Asia/Ho_Chi_Minh", "location": "Hà Nội, số 1",
            "description": "Dòng một\nDòng hai", "rrule": None, **fields}


def _query(url: str) -> dict[str, str]:
    parts = parse_qs(urlsplit(url).query, keep_blank_values=True)
    assert all(len(v) == 1 for v in parts.values())
    return {k: v[0] for k, v in parts.items()}


def test_google_link_follows_the_template_format():
    url = event_links.google(_event(), "https://lich.example.vn/events/7")
    assert url.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&")
    q = _query(url)
    assert q["text"].encode() == _event()["title"].encode()  # byte for byte
    assert q["dates"] == "20261215T013000Z/20261215T040000Z"  # UTC basic format, START/END
    assert "&dates=20261215T013000Z/20261215T040000Z&" in url
    assert q["details"] == "Dòng một\nDòng hai\n\nhttps://lich.example.vn/events/7"
    assert q["location"] == "Hà Nội, số 1" and q["ctz"] == "Asia/Ho_Chi_Minh" and "recur" not in q
    all_day = _query(event_links.google(_event(all_day=True, start_date="2027-01-20", end_date="2027-01-22",
                                               starts_at=None, ends_at=None, rrule="FREQ=YEARLY"), "p"))
    assert all_day["dates"] == "20270120/20270123"  # the end exclusive
    assert all_day["recur"] == "RRULE:FREQ=YEARLY"


def test_outlook_links_follow_the_compose_deeplink_format():
    url = event_links.outlook(_event(), "https://lich.example.vn/events/7")
    assert url.startswith("https://outlook.office.com/calendar/0/deeplink/compose?")
    q = _query(url)
    assert q["path"] == "/calendar/action/compose" and q["rru"] == "addevent"
    assert q["subject"] == _event()["title"]
    assert datetime.fromisoformat(q["startdt"]) == datetime(2026, 12, 15, 1, 30, tzinfo=timezone.utc)
    assert q["startdt"] == "2026-12-15T08:30:00+07:00" and q["enddt"] == "2026-12-15T11:00:00+07:00"
    assert q["allday"] == "false" and q["location"] == "Hà Nội, số 1"
    assert event_links.outlook(_event(), "p", "live").startswith("https://outlook.live.com/calendar/0/deeplink/compose?")
    all_day = _query(event_links.outlook(_event(all_day=True, start_date="2027-01-20", end_date="2027-01-22",
                                                starts_at=None, ends_at=None), "p"))
    assert (all_day["startdt"], all_day["enddt"], all_day["allday"]) == ("2027-01-20", "2027-01-23", "true")
    long = _query(event_links.outlook(_event(description="x" * 5000), "https://lich.example.vn/events/7"))
    assert len(long["body"]) < 1100 and long["body"].endswith("https://lich.example.vn/events/7")


def test_event_page_has_google_and_outlook_links_beside_the_ics(seeded, client):
    html = page(client, "/events/1")
    actions = html[html.index('class="actions"'):]
    ics = actions.index(".ics")
    google, outlook = actions.index('data-add="google"'), actions.index('data-add="outlook"')
    assert ics < google < outlook < actions.index("</p>")
    link = unescape(re.search(r'href="([^"]+)"[^>]*data-add="google"', actions)[1])
    assert _query(link)["details"].endswith("http://localhost/events/1")
    assert "Thêm vào Google Calendar" in actions
