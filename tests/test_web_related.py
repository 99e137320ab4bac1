"""Organization and agreement pages: sub-units and their events, past events paged, child plans, the term."""

from datetime import date

import pytest

from calendar_app.web.related import term_state


@pytest.fixture(autouse=True)
def fixed_today(clock):
    clock.set(date(2026, 11, 20))


def timed(day: str) -> dict:
    return {"starts_at": f"{day}T08:00:00+07:00", "ends_at": f"{day}T10:00:00+07:00"}


def test_a_parent_lists_its_sub_units_and_offers_their_events(client, make):
    parent = make.organization(name="Đảng ủy Khối")
    child = make.organization(name="Đảng ủy Tạp chí", parent=parent["slug"])
    make.event(title="Sự kiện của đơn vị con", organizations=[child["slug"]], **timed("2026-12-01"))
    page = client.get(f"/organizations/{parent['slug']}").get_data(as_text=True)
    assert "Đơn vị trực thuộc" in page and "Đảng ủy Tạp chí</a>" in page
    assert "Sự kiện của đơn vị con" not in page
    both = client.get(f"/organizations/{parent['slug']}?include=children").get_data(as_text=True)
    assert "Sự kiện của đơn vị con" in both and "Chỉ hiện sự kiện của riêng đơn vị này" in both


def test_past_events_are_listed_newest_first_and_paged(client, make, monkeypatch):
    from calendar_app.web import related
    monkeypatch.setattr(related, "PAST_PAGE_SIZE", 2)
    organization = make.organization()
    for day in ("2025-01-10", "2026-06-10", "2024-03-01"):
        make.event(title=f"Đã họp {day}", organizations=[organization["slug"]], **timed(day))
    make.event(title="Sắp họp", organizations=[organization["slug"]], **timed("2026-12-10"))
    page = client.get(f"/organizations/{organization['slug']}").get_data(as_text=True)
    past = page[page.index('id="past-title"'):]
    assert "Đã diễn ra (3)" in past and "Sắp họp" not in past
    assert past.index("Đã họp 2026-06-10") < past.index("Đã họp 2025-01-10") and "Đã họp 2024-03-01" not in past
    second = client.get(f"/organizations/{organization['slug']}?past=2").get_data(as_text=True)
    assert "Đã họp 2024-03-01" in second[second.index('id="past-title"'):]


def test_an_agreement_lists_its_child_plans_and_their_events(client, make):
    program = make.agreement(title="Chương trình phối hợp 2025-2030", kind="program")
    plan = make.agreement(title="Kế hoạch năm 2026", kind="plan", parent=program["slug"])
    make.event(title="Hội nghị triển khai kế hoạch", agreement=plan["slug"], **timed("2026-12-02"))
    page = client.get(f"/agreements/{program['slug']}").get_data(as_text=True)
    assert "Kế hoạch năm 2026</a>" in page and "Hội nghị triển khai kế hoạch" in page


@pytest.mark.parametrize("valid_from, valid_until, state", [
    ("2025-01-01", "2030-12-31", "in_force"), ("2020-01-01", "2025-12-31", "expired"),
    ("2027-01-01", None, "not_yet"), (None, None, None), (None, "2026-11-20", "in_force"),
])
def test_the_term_gives_the_state(valid_from, valid_until, state):
    assert term_state({"valid_from": valid_from, "valid_until": valid_until}, date(2026, 11, 20)) == state


def test_the_agreement_page_says_whether_it_is_in_force(client, make):
    expired = make.agreement(valid_from="2020-01-01", valid_until="2025-12-31")
    assert "Hết hiệu lực" in client.get(f"/agreements/{expired['slug']}").get_data(as_text=True)


def test_an_event_without_participants_lists_the_agreements_parties(client, make):
    agreement = make.agreement()
    event = make.event(title="Lễ ký kết", agreement=agreement["slug"])
    page = client.get(f"/events/{event['id']}").get_data(as_text=True)
    assert "Các bên của quy chế, chương trình:" in page
    for party in agreement["parties"]:
        assert f'href="/organizations/{party["organization"]}">{party["organization_name"]}</a>' in page


def test_the_event_form_offers_organizations_as_checkboxes_with_a_filter(app, client):
    from test_web import create_editor, sign_in
    create_editor(app)
    sign_in(client)
    html = client.get("/events/new").get_data(as_text=True)
    assert '<select id="organizations"' not in html and "Ctrl" not in html
    assert 'id="organizations-filter" data-filter-list="organizations-list"' in html
