"""Following an agreement in a real browser: record a held review meeting from its event page (issue 13)."""

from datetime import datetime, timezone

import pytest
from .conftest import axe_violations

from calendar_app import clock

REGULATION = "/agreements/quy-che-phoi-hop-bcsd-bo-tt-tt-dang-uy-khoi-dn-tw"
DASHBOARD = "/follow-up?organization=dang-uy-khoi-dn-tw"


@pytest.fixture
def held_clock():
    """1 December 2026 in every thread (the live server's too): the demo's review of 1 July 2026 is overdue."""
    clock.hold(datetime(2026, 12, 1, 3, tzinfo=timezone.utc))
    yield
    clock.hold(None)


def overdue_rows(page) -> int:
    return page.locator("#follow-up-items tr.state-overdue").count()


@pytest.mark.slow  # a browser, three pages with axe-core
def test_record_a_held_review_meeting_and_see_progress_and_dashboard_change(page, editor, held_clock, artifacts):
    page.goto(DASHBOARD)
    before = overdue_rows(page)
    assert before > 0 and axe_violations(page) == []
    page.goto(REGULATION)
    progress = page.locator("p.progress").first
    assert progress.inner_text() == "0/20 kỳ giao ban đã tổ chức; 19 quá hạn"
    assert axe_violations(page) == []

    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(editor["username"])
    page.get_by_label("Mật khẩu").fill(editor["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(REGULATION)
    series = page.locator("ol.timeline a", has_text="Hội nghị giao ban 6 tháng").first.get_attribute("href")
    page.goto(f"{series}?occurrence=2026-07-01T14:00:00%2B07:00")
    form = page.locator("section.record-outcome")
    assert form.get_by_role("heading", name="Ghi kết quả").is_visible()
    assert "kỳ 19 (01/07/2026, Quá hạn)" in form.get_by_label("Kỳ").locator("option:checked").inner_text()
    assert axe_violations(page) == []
    form.get_by_label("Ngày tổ chức").fill("2026-07-03")
    form.get_by_label("Kết quả (biên bản hoặc tóm tắt)").fill("Biên bản hội nghị giao ban 6 tháng đầu năm 2026: "
                                                               "hai bên đánh giá kết quả phối hợp, thống nhất nhiệm vụ.")
    form.get_by_label("Đường dẫn văn bản").fill("https://example.vn/bien-ban-giao-ban-2026.pdf")
    form.get_by_role("button", name="Ghi kết quả").click()

    page.wait_for_url(f"**{REGULATION}#follow-up-title")
    assert page.locator("p.flash").inner_text() == "Đã ghi kết quả."
    assert page.locator("p.progress").first.inner_text() == "1/20 kỳ giao ban đã tổ chức; 18 quá hạn"
    row = page.locator("table.follow-up-table tr.state-fulfilled").first
    assert "Biên bản hội nghị giao ban 6 tháng đầu năm 2026" in row.inner_text()
    page.screenshot(path=str(artifacts / "follow-up-agreement.png"), full_page=True)
    page.goto(DASHBOARD)
    assert overdue_rows(page) == before - 1
    page.screenshot(path=str(artifacts / "follow-up-dashboard.png"), full_page=True)
    assert page.console_errors == []
