"""In chromium: the lunar dates of a known week (Tết 2027), holidays shaded, the holiday warning; axe-core on each page."""

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations
from .test_browser_web import sign_in

pytestmark = pytest.mark.slow  # a real browser against a real server

def assert_accessible(page) -> None:
    """No WCAG 2 A/AA violation that axe-core finds on the page as it stands."""
    assert axe_violations(page) == []


def test_the_week_of_tet_2027_shows_its_lunar_dates_and_holidays(page, artifacts):
    page.goto("/?month=2027-02")
    week = [page.locator(f'td[data-date="2027-02-0{day}"] .lunar') for day in range(1, 8)]
    assert [cell.text_content() for cell in week] == ["Âm lịch: 25", "Âm lịch: 26", "Âm lịch: 27", "Âm lịch: 28",
                                                      "Âm lịch: 29", "Âm lịch: 1/1", "Âm lịch: 2"]
    tet = page.locator('td[data-date="2027-02-06"]')
    expect(tet.locator(".holiday")).to_have_text("Tết Nguyên Đán")
    expect(tet.locator(".lunar")).to_have_attribute("title", "1/1/2027 âm lịch")
    assert tet.evaluate("cell => getComputedStyle(cell).backgroundColor") != \
        page.locator('td[data-date="2027-02-03"]').evaluate("cell => getComputedStyle(cell).backgroundColor")
    page.screenshot(path=str(artifacts / "month-lunar-tet-2027.png"), full_page=True)
    assert_accessible(page)
    assert page.console_errors == []


def test_an_event_put_on_a_holiday_is_saved_with_a_warning(page, editor, artifacts):
    sign_in(page, editor)
    page.goto("/events/new")
    page.get_by_label("Tên sự kiện").fill("Gặp mặt đầu xuân Đinh Mùi")
    page.get_by_label("Loại").select_option("other")
    page.locator("#starts_at").fill("2027-02-06T08:30")
    page.locator("#ends_at").fill("2027-02-06T10:00")
    page.get_by_role("button", name="Lưu").click()
    flashes = page.locator(".flash")
    expect(flashes.nth(0)).to_have_text("Đã lưu sự kiện.")
    expect(flashes.nth(1)).to_have_text("Lưu ý: Thứ Bảy, 06/02/2027 là ngày nghỉ (Tết Nguyên Đán).")
    page.screenshot(path=str(artifacts / "holiday-warning.png"), full_page=True)
    assert_accessible(page)

    page.goto("/holidays?year=2027")
    expect(page.locator("table.list")).to_contain_text("Tết Nguyên Đán")
    page.locator("#name").fill("Nghỉ bù thêm")
    page.locator("#day").fill("2027-12-31")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".flash")).to_have_text("Đã lưu ngày.")
    expect(page.locator("table.list")).to_contain_text("Nghỉ bù thêm")
    assert_accessible(page)
    assert page.console_errors == []
