"""The search page and the search box on every page; the footer and the per-page titles."""

import re

import pytest

from test_web import create_editor, sign_in


@pytest.fixture
def found(make):
    agreement = make.agreement(title="Quy chế phối hợp Hội nghị Trung ương")
    organization = make.organization(name="Ban Tổ chức Hội nghị")
    events = [make.event(title=f"Hội nghị giao ban {n}", starts_at=f"20{y}-03-05T08:00:00+07:00",
                         ends_at=f"20{y}-03-05T10:00:00+07:00", agreement=agreement["slug"])
              for n, y in ((1, 21), (2, 27), (3, 25))]
    internal = make.event(title="Hội nghị nội bộ", visibility="internal")
    make.event(title="Tọa đàm khoa học")
    return {"agreement": agreement, "organization": organization, "events": events, "internal": internal}


def titles(html: str) -> list[str]:
    return re.findall(r'class="title" href="/events/\d+" lang="vi">([^<]+)</a>', html)


def test_search_ignores_case_and_accents_and_lists_events_newest_first(client, found):
    html = client.get("/search?q=HOI+NGHI").get_data(as_text=True)
    assert titles(html) == ["Hội nghị giao ban 2", "Hội nghị giao ban 3", "Hội nghị giao ban 1"]
    assert "Quy chế phối hợp Hội nghị Trung ương</a>" in html and "Ban Tổ chức Hội nghị</a>" in html
    assert "Tọa đàm" not in html and "nội bộ" not in html
    assert "<title>Tìm kiếm: HOI NGHI" in html


def test_editors_also_find_internal_events(app, client, found):
    create_editor(app)
    sign_in(client)
    assert "Hội nghị nội bộ" in titles(client.get("/search?q=noi+bo").get_data(as_text=True))


def test_search_results_are_paged(client, found, monkeypatch):
    from calendar_app.web import search
    monkeypatch.setattr(search, "SEARCH_PAGE_SIZE", 2)
    first = client.get("/search?q=hoi+nghi").get_data(as_text=True)
    assert titles(first) == ["Hội nghị giao ban 2", "Hội nghị giao ban 3"] and "Trang 1/2" in first
    assert 'href="/search?q=hoi+nghi&amp;page=2" rel="next"' in first
    second = client.get("/search?q=hoi+nghi&page=2").get_data(as_text=True)
    assert titles(second) == ["Hội nghị giao ban 1"] and 'rel="prev"' in second


@pytest.mark.parametrize("path", ["/", "/organizations", "/agreements", "/search", "/login"])
def test_every_page_has_the_search_box_and_the_footer(client, path):
    html = client.get(path).get_data(as_text=True)
    assert '<form class="site-search" method="get" action="/search" role="search">' in html
    assert "Đơn vị đăng lịch: <span lang=\"vi\">Văn phòng cơ quan</span>" in html


def test_a_hostile_query_is_just_text(client, found):
    response = client.get("/search?q=" + "%22%3Cscript%3E" * 40)
    assert response.status_code == 200 and "<script>" not in response.get_data(as_text=True)


def test_vietnamese_names_are_marked_lang_vi_on_english_pages(client, found):
    organization = found["organization"]
    html = client.get(f"/organizations/{organization['slug']}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and '<h1 lang="vi">Ban Tổ chức Hội nghị</h1>' in html
    assert 'Published by <span lang="vi">Văn phòng cơ quan</span>' in html
    results = client.get("/search?q=hoi+nghi&lang=en").get_data(as_text=True)
    assert 'lang="vi">Quy chế phối hợp Hội nghị Trung ương</a>' in results
