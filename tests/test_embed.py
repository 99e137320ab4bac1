"""Embeddable pages (issue 14): framed by portals, public events only; every other page keeps DENY."""

from datetime import datetime, timezone

import pytest

from calendar_app import create_app
from conftest import app_config, make_token
from test_web import create_editor, sign_in

PORTAL = "https://cong.example.gov.vn"


@pytest.fixture
def agenda(make, client, auth):
    organization = make.organization(name="Tạp chí Cộng sản")
    other = make.organization()
    agreement = make.agreement(parties=[{"organization": organization["slug"], "role": "signatory"},
                                        {"organization": other["slug"], "role": "signatory"}])
    make.event(title="Hội thảo “Khơi thông nguồn lực”", organizations=[organization["slug"]],
               agreement=agreement["slug"], starts_at="2027-03-10T08:30:00+07:00", ends_at="2027-03-10T11:00:00+07:00")
    make.event(title="Họp nội bộ", organizations=[organization["slug"]], visibility="internal",
               starts_at="2027-03-12T08:00:00+07:00", ends_at="2027-03-12T09:00:00+07:00")
    return organization["slug"], agreement["slug"]


@pytest.fixture(autouse=True)
def early(clock):
    clock.set(datetime(2027, 3, 1, 3, 0, tzinfo=timezone.utc))


@pytest.mark.parametrize("kind", ["organizations", "agreements"])
def test_the_embedded_list_shows_public_events_and_may_be_framed(client, agenda, kind):
    slug = agenda[0] if kind == "organizations" else agenda[1]
    response = client.get(f"/embed/{kind}/{slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Hội thảo “Khơi thông nguồn lực”" in html and "Họp nội bộ" not in html
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'lang="vi"' in html and "webcal://" in html and "calendar.google.com" in html
    assert '<base target="_blank">' in html


def test_internal_events_stay_out_even_for_a_signed_in_editor(client, agenda, app):
    create_editor(app)
    sign_in(client)
    assert "Họp nội bộ" in client.get(f"/organizations/{agenda[0]}").get_data(as_text=True)
    for view in ("list", "month&month=2027-03"):
        assert "Họp nội bộ" not in client.get(f"/embed/organizations/{agenda[0]}?view={view}").get_data(as_text=True)


def test_the_month_view_and_english(client, agenda):
    slug = agenda[0]
    html = client.get(f"/embed/organizations/{slug}?view=month&month=2027-03&lang=en").get_data(as_text=True)
    assert 'lang="en"' in html and "March 2027" in html and "Hội thảo “Khơi thông nguồn lực”" in html
    assert 'aria-current="page"' in html and "Họp nội bộ" not in html
    empty = client.get(f"/embed/organizations/{slug}?view=month&month=2027-05&lang=en").get_data(as_text=True)
    assert "No events this month." in empty


def test_other_pages_still_refuse_framing(client, agenda):
    for path in ("/", f"/organizations/{agenda[0]}", "/embed/organizations/khong-co"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_allowed_origins_limit_who_frames(tmp_path, migrated_database):
    from conftest import copy_database
    copy_database(migrated_database, tmp_path / "test.sqlite3")
    app = create_app({**app_config(tmp_path), "EMBED_ALLOWED_ORIGINS": [PORTAL, "https://b.example.vn"]})
    client = app.test_client()
    token = {"Authorization": f"Bearer {make_token(app)}"}
    client.post("/api/v1/organizations", headers=token, json={"slug": "cong", "name": "Cổng"})
    policy = client.get("/embed/organizations/cong").headers["Content-Security-Policy"]
    assert f"frame-ancestors {PORTAL} https://b.example.vn" in policy


@pytest.mark.parametrize("origins", [["https://a.example.vn; script-src *"], ["*"], "https://a.example.vn"])
def test_bad_embed_origins_are_refused_at_start(tmp_path, origins):
    with pytest.raises(ValueError, match="EMBED_ALLOWED_ORIGINS"):
        create_app({**app_config(tmp_path), "EMBED_ALLOWED_ORIGINS": origins})


def test_the_organization_page_offers_the_iframe_snippet(client, agenda):
    slug = agenda[0]
    html = client.get(f"/organizations/{slug}").get_data(as_text=True)
    assert f'&lt;iframe src=&#34;http://localhost/embed/organizations/{slug}&#34;' in html
    assert "Đưa lịch này lên cổng thông tin của bạn" in html
