"""The weekly schedule in a real browser: the page, its print view, the exports' links, axe-core (issue 12)."""

import io
import json
from pathlib import Path

import pytest
from docx import Document

from calendar_app.demo import seed  # noqa: F401  (the live server's data: the demo set)

from .conftest import axe_violations

pytestmark = pytest.mark.slow  # a real browser against a real server

WEEK = "/week?start=2020-03-05"  # the week of the signing ceremony of the demo data (Thursday 05/03/2020)


def test_the_week_view_prints_exports_and_passes_axe(page, artifacts):
    page.goto(WEEK)
    assert page.locator("h1").inner_text() == "Lịch công tác tuần 10"
    assert page.locator(".week-span").inner_text() == "Từ ngày 02/03/2020 đến ngày 08/03/2020"
    thursday = page.locator('tbody[data-date="2020-03-05"]')
    assert "Chiều" in thursday.inner_text() and "Lễ ký kết" in thursday.inner_text()
    page.screenshot(path=str(artifacts / "week-view.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)

    page.emulate_media(media="print")  # the page on paper: no header bar, filters or navigation
    assert not page.locator("header.site").is_visible() and not page.locator("form.filters").is_visible()
    assert page.locator(".week-table").is_visible()
    page.screenshot(path=str(artifacts / "week-print-media.png"), full_page=True)
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Tuần sau").click()
    assert "Từ ngày 09/03/2020 đến ngày 15/03/2020" in page.locator(".week-span").inner_text()
    page.get_by_role("link", name="Tuần trước").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Word (.docx)").click()
    doc = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "LỊCH CÔNG TÁC TUẦN 10" in [p.text for p in doc.paragraphs]

    page.get_by_role("link", name="Bản in").click()
    assert page.locator("h1").inner_text() == "LỊCH CÔNG TÁC TUẦN 10"
    page.screenshot(path=str(artifacts / "week-print-view.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
    assert page.console_errors == []


def test_the_week_view_on_a_phone_in_english(page, artifacts):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(WEEK + "&lang=en")
    assert page.locator("h1").inner_text() == "Weekly work schedule, week 10"
    page.screenshot(path=str(artifacts / "week-view-phone.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
