"""The weekly schedule: /week, its print view and the Word, Excel and PDF exports (issue 12)."""

import io
import re
import shutil
import subprocess
import sys
from datetime import date, datetime, time, timezone

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook

from calendar_app import week_schedule
from test_web import SNAPSHOTS as WEB_SNAPSHOTS
from test_web import editor  # noqa: F401  (a fixture)

SNAPSHOTS = WEB_SNAPSHOTS
WEEK = "start=2027-03-10"  # a Wednesday: the week of Monday 08/03/2027, ISO week 10
CHAIR = "Đ/c Bí thư Đảng ủy Khối"
MEETING = "Họp Thường trực Đảng ủy Khối về công tác cán bộ"


def timed(day: str, start: str, end: str, **fields) -> dict:
    return {"starts_at": f"{day}T{start}:00+07:00", "ends_at": f"{day}T{end}:00+07:00", **fields}


@pytest.fixture
def week(make):
    """A week of the office: an emphasised morning meeting, a tentative afternoon, a cancelled evening,
    two all-day days, an internal item, an event kept in Berlin time, and one the week before."""
    org = make.organization(name="Đảng ủy Khối Doanh nghiệp Trung ương", slug="dang-uy-khoi")
    other = make.organization(name="Tạp chí Cộng sản", slug="tap-chi-cong-san")
    made = {
        "meeting": make.event(**timed("2027-03-08", "08:00", "11:30"), title=MEETING, kind="review_meeting",
                              chair=CHAIR, attendees="Thường trực Đảng ủy Khối; Trưởng các ban Đảng",
                              location="Phòng họp tầng 3, 38 Ngô Quyền", preparation="Ban Tổ chức",
                              note="Mặc trang phục công sở", emphasis=True, organizations=[org["slug"]]),
        "workshop": make.event(**timed("2027-03-08", "12:00", "16:30"), title="Hội thảo “Khơi thông nguồn lực”",
                               status="tentative", organizations=[other["slug"]]),
        "evening": make.event(**timed("2027-03-10", "18:00", "20:00"), title="Gặp mặt Ngày Quốc tế Phụ nữ",
                              kind="other", status="cancelled", organizations=[org["slug"]]),
        "late_afternoon": make.event(**timed("2027-03-10", "17:59", "18:30"), title="Giao ban nhanh",
                                     kind="other", organizations=[org["slug"]]),
        "volunteer": make.event(all_day=True, start_date="2027-03-13", end_date="2027-03-14", starts_at=None, ends_at=None,
                                title="Tết ấm yêu thương", kind="volunteer_program", organizations=[org["slug"]]),
        "internal": make.event(**timed("2027-03-09", "09:00", "10:00"), title="Họp nội bộ Văn phòng",
                               visibility="internal", organizations=[org["slug"]]),
        # 02:00 in Berlin is 08:00 in Hà Nội: listed in the morning of Thursday, in Vietnam time.
        "berlin": make.event(starts_at="2027-03-11T02:00:00+01:00", ends_at="2027-03-11T03:00:00+01:00",
                             timezone="Europe/Berlin", title="Trao đổi trực tuyến với Berlin", kind="other"),
        "before": make.event(**timed("2027-03-07", "08:00", "09:00"), title="Tuần trước nữa", kind="other"),
    }
    return {"org": org, "other": other, **made}


def page(client, query=WEEK) -> str:
    response = client.get(f"/week?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def day_block(html: str, day: str) -> str:
    start = html.index(f'data-date="{day}"')
    end = html.find("</tbody>", start)
    return html[start:end]


# --- the rule and the structure ---------------------------------------------------------------------

@pytest.mark.parametrize("start, part", [(None, "morning"), (time(0), "morning"), (time(11, 59), "morning"),
                                         (time(12), "afternoon"), (time(17, 59), "afternoon"),
                                         (time(18), "evening"), (time(23, 59), "evening")])
def test_the_one_rule_for_morning_afternoon_and_evening(start, part):
    assert week_schedule.part_of(start) == part


@pytest.mark.parametrize("day, monday", [(date(2027, 3, 8), date(2027, 3, 8)), (date(2027, 3, 14), date(2027, 3, 8)),
                                         (date(2027, 1, 1), date(2026, 12, 28))])
def test_any_day_gives_the_monday_of_its_week(day, monday):
    assert week_schedule.monday_of(day) == monday


# --- the page ---------------------------------------------------------------------------------------

def test_the_week_page_has_the_week_number_dates_and_navigation(client, week):
    html = page(client)
    assert "<h1>Lịch công tác tuần 10</h1>" in html
    assert "Từ ngày 08/03/2027 đến ngày 14/03/2027" in html
    assert "<title>Lịch công tác tuần 10 (08/03/2027 – 14/03/2027)" in html
    assert [d for d in re.findall(r'<tbody class="week-day[^"]*" data-date="([0-9-]+)"', html)] == [
        f"2027-03-{n:02d}" for n in range(8, 15)]
    assert 'href="/week?start=2027-03-01" rel="prev">‹ Tuần trước' in html
    assert 'href="/week?start=2027-03-15" rel="next">Tuần sau ›' in html
    assert '<a href="/week">Tuần này</a>' in html
    assert "Tuần trước nữa" not in html


def test_items_fall_into_their_day_and_part_with_every_column(client, week):
    html = page(client)
    monday = day_block(html, "2027-03-08")
    assert monday.index("Sáng") < monday.index(MEETING) < monday.index("Chiều") < monday.index("Khơi thông")
    for text in ("08:00 – 11:30", CHAIR, "Thường trực Đảng ủy Khối; Trưởng các ban Đảng",
                 "Phòng họp tầng 3, 38 Ngô Quyền", "Ban Tổ chức", "Ghi chú: Mặc trang phục công sở"):
        assert text in monday, text
    assert f"<strong>{MEETING}</strong>" in monday  # emphasis in bold
    wednesday = day_block(html, "2027-03-10")
    assert wednesday.index("Chiều") < wednesday.index("Giao ban nhanh") < wednesday.index("Tối") < wednesday.index(
        "Gặp mặt")
    thursday = day_block(html, "2027-03-11")
    assert "Sáng" in thursday and "08:00 – 09:00" in thursday and "Trao đổi trực tuyến với Berlin" in thursday
    for day in ("2027-03-13", "2027-03-14"):
        assert "Tết ấm yêu thương" in day_block(html, day) and "Cả ngày" in day_block(html, day)
    assert "Không có lịch" in day_block(html, "2027-03-12")


def test_statuses_are_marked_in_words(client, week):
    html = page(client)
    assert '<span class="status-word">[Dự kiến]</span>' in day_block(html, "2027-03-08")
    assert '<span class="status-word">[Đã hủy]</span>' in day_block(html, "2027-03-10")
    assert "[Đã xác nhận]" not in html


def test_internal_items_only_for_signed_in_editors(client, week, editor):
    anonymous = page(client.application.test_client())
    assert "Họp nội bộ Văn phòng" not in anonymous
    assert "Họp nội bộ Văn phòng" in page(editor)


def test_the_month_view_filters_apply(client, week):
    html = page(client, f"{WEEK}&organization=dang-uy-khoi")
    assert MEETING in html and "Khơi thông" not in html and "Berlin" not in html
    assert 'href="/week?start=2027-03-01&amp;organization=dang-uy-khoi" rel="prev"' in html
    assert '<option value="dang-uy-khoi" selected>' in html
    assert '<input type="hidden" name="start" value="2027-03-08">' in html
    html = page(client, f"{WEEK}&kind=volunteer_program")
    assert "Tết ấm yêu thương" in html and MEETING not in html


def test_no_parameter_is_this_week_in_vietnam(client, week, clock):
    clock.set(datetime(2027, 3, 14, 17, 30, tzinfo=timezone.utc))  # Monday 15/03 00:30 in Hà Nội
    html = page(client, "")
    assert "Từ ngày 15/03/2027 đến ngày 21/03/2027" in html and '<span aria-current="page">Tuần này</span>' in html
    clock.set(datetime(2027, 3, 14, 16, 30, tzinfo=timezone.utc))  # still Sunday 14/03 in Hà Nội
    assert "Từ ngày 08/03/2027 đến ngày 14/03/2027" in page(client, "")


@pytest.mark.parametrize("value", ["2027-02-30", "10/03/2027", "2027-3-1", "abc", "0001-01-01", "2027-03-10T00:00"])
def test_a_bad_start_is_a_400_page_that_says_why(client, value):
    for path in ("/week", "/week.docx", "/week.xlsx", "/week.pdf", "/week/print"):
        response = client.get(path, query_string={"start": value})
        assert response.status_code == 400 and response.mimetype == "text/html", path
        assert "hãy viết theo dạng YYYY-MM-DD, ví dụ 2027-03-08" in response.get_data(as_text=True)


def test_an_unknown_organization_is_a_404_page(client):
    assert client.get("/week?organization=khong-co").status_code == 404
    assert client.get("/week.docx?organization=khong-co").status_code == 404


def test_each_day_shows_its_lunar_date_and_holidays_on_the_page_and_in_the_exports(client):
    """Tết 2027 is Saturday 6 February (1/1 âm lịch): the week's row for it says so (web/days.day_facts)."""
    tet = day_block(page(client, "start=2027-02-06"), "2027-02-06")
    assert re.search(r'<span class="lunar marked"[^>]*>.*1/1</span>', tet) and "Tết Nguyên Đán" in tet
    text = docx_paragraphs(get_export(client, "docx", "start=2027-02-06").data)
    assert "Thứ Bảy, 06/02/2027\n1/1/2027 âm lịch; Tết Nguyên Đán" in text


def test_english_week(client, week):
    html = page(client, f"{WEEK}&lang=en")
    assert "Weekly work schedule, week 10" in html and "From 08/03/2027 to 14/03/2027" in html
    assert "Morning" in html and "[Tentative]" in html


# --- the exports --------------------------------------------------------------------------------

def docx_paragraphs(body: bytes) -> list[str]:
    doc = Document(io.BytesIO(body))
    found = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        seen = set()
        for row in table.rows:
            for cell in row.cells:
                if cell._tc not in seen:  # a merged cell is read once per grid cell
                    seen.add(cell._tc)
                    found += [p.text for p in cell.paragraphs]
    return [t for t in found if t]


def pdf_text(body: bytes) -> str:
    result = subprocess.run(["pdftotext", "-raw", "-", "-"], input=body, capture_output=True, check=True)
    return result.stdout.decode()


def get_export(client, kind: str, query=WEEK):
    response = client.get(f"/week.{kind}?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def test_docx_is_the_administrative_document_of_the_week(client, week):
    response = get_export(client, "docx", f"{WEEK}&organization=dang-uy-khoi")
    assert response.headers["Content-Disposition"] == 'attachment; filename="lich-cong-tac-tuan-10-2027.docx"'
    doc = Document(io.BytesIO(response.data))
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE and round(doc.sections[0].page_width.cm, 1) == 29.7
    text = docx_paragraphs(response.data)
    for expected in ("ĐẢNG ỦY KHỐI DOANH NGHIỆP TRUNG ƯƠNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "LỊCH CÔNG TÁC TUẦN 10", "(Từ ngày 08/03/2027 đến ngày 14/03/2027)", "Thứ Hai, 08/03/2027",
                     MEETING, CHAIR, "Ghi chú: Mặc trang phục công sở", "[Đã hủy] Gặp mặt Ngày Quốc tế Phụ nữ",
                     "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "CHÁNH VĂN PHÒNG"):
        assert expected in "\n".join(text), expected
    assert "Khơi thông" not in " ".join(text)  # the organization filter holds
    grid = doc.tables[1]
    assert [c.text for c in grid.rows[0].cells] == ["Ngày", "Buổi", "Thời gian", "Nội dung", "Chủ trì", "Thành phần",
                                                   "Địa điểm", "Chuẩn bị"]
    meeting_row = next(r for r in grid.rows if r.cells[3].text.startswith(MEETING))
    assert all(run.bold for run in meeting_row.cells[3].paragraphs[0].runs)  # emphasis in bold


def test_docx_without_organization_names_the_issuing_body_of_the_settings(client, week):
    text = docx_paragraphs(get_export(client, "docx").data)
    assert "VĂN PHÒNG" in text and "Hội thảo “Khơi thông nguồn lực”" in " ".join(text)


def test_xlsx_holds_the_same_rows(client, week):
    response = get_export(client, "xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Tuần 10"
    assert (sheet["A2"].value, sheet["A3"].value) == ("LỊCH CÔNG TÁC TUẦN 10", "(Từ ngày 08/03/2027 đến ngày 14/03/2027)")
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert rows[0] == ["Ngày", "Buổi", "Thời gian", "Nội dung", "Chủ trì", "Thành phần", "Địa điểm", "Chuẩn bị"]
    meeting = next(r for r in rows if r[3] and r[3].startswith(MEETING))
    assert meeting == ["Thứ Hai, 08/03/2027\n1/2/2027 âm lịch", "Sáng", "08:00 – 11:30", f"{MEETING}\nGhi chú: Mặc trang phục công sở",
                       CHAIR, "Thường trực Đảng ủy Khối; Trưởng các ban Đảng", "Phòng họp tầng 3, 38 Ngô Quyền",
                       "Ban Tổ chức"]
    workshop = next(r for r in rows if r[3] and "Khơi thông" in r[3])
    assert workshop[:4] == [None, "Chiều", "12:00 – 16:30", "[Dự kiến] Hội thảo “Khơi thông nguồn lực”"]  # merged day
    assert sheet.freeze_panes == "A6" and sheet.page_setup.orientation == "landscape"
    assert sheet.cell(row=6 + rows[1:].index(meeting), column=4).font.bold


@pytest.mark.slow  # WeasyPrint's first render in a process takes seconds
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_pdf_is_the_print_view_on_a4_landscape(client, week):
    response = get_export(client, "pdf")
    info = subprocess.run(["pdfinfo", "-"], input=response.data, capture_output=True, check=True).stdout.decode()
    assert re.search(r"Page size: +841.89 x 595.2[0-9]* pts \(A4\)", info) and "Pages:           1" in info
    text = " ".join(pdf_text(response.data).split())  # lines wrapped inside a cell join with a space
    for expected in ("LỊCH CÔNG TÁC TUẦN 10", "Từ ngày 08/03/2027 đến ngày 14/03/2027", "Thứ Hai, 08/03/2027",
                     "Đ/c Bí thư Đảng ủy Khối", "Tết ấm yêu thương", "[Đã hủy]", "Trang 1/1"):
        assert expected in text, expected
    assert "Họp nội bộ Văn phòng" not in text


def test_exports_are_in_vietnamese_whatever_the_page_language(client, week):
    text = docx_paragraphs(get_export(client, "docx", f"{WEEK}&lang=en").data)
    assert "Thứ Hai, 08/03/2027\n1/2/2027 âm lịch" in text and "Sáng" in text


def test_exports_of_internal_items_only_for_signed_in_editors(client, week, editor):
    anonymous = client.application.test_client()
    for kind in ("docx", "xlsx"):
        assert "Họp nội bộ" not in str(docx_paragraphs(get_export(anonymous, "docx").data))
    assert "Họp nội bộ Văn phòng" in docx_paragraphs(get_export(editor, "docx").data)
    sheet = load_workbook(io.BytesIO(get_export(editor, "xlsx").data)).active
    assert "Họp nội bộ Văn phòng" in [row[3] for row in sheet.iter_rows(values_only=True)]
    assert get_export(editor, "docx").headers["Cache-Control"] == "private, no-store"


def test_the_print_view_is_the_table_alone(client, week):
    response = client.get(f"/week/print?{WEEK}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "LỊCH CÔNG TÁC TUẦN 10" in html and MEETING in html
    assert 'class="site"' not in html and 'class="filters"' not in html and "week-print.css" in html


def test_pdf_without_weasyprints_system_libraries_is_a_clear_503(client, week, monkeypatch):
    """WeasyPrint imports Pango from the system: a server without it answers 503 for the PDF, never 500."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `from weasyprint import …` now raises ImportError
    response = client.get("/week.pdf?start=2027-03-10")
    assert response.status_code == 503
    assert "Pango" in response.get_data(as_text=True)
    assert client.get("/week.docx?start=2027-03-10").status_code == 200


def test_exports_name_the_obligations_due_that_day(seeded, client):
    """The demo regulation's review and results report are due on 1 January 2027: the exports say so on that day."""
    sheet = load_workbook(io.BytesIO(client.get("/week.xlsx?start=2027-01-01").data)).active
    cells = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value)
    assert "Đến hạn: Hội nghị giao ban 6 tháng, kỳ " in cells
    assert "Đến hạn: Định kỳ thông báo cho nhau kết quả phối hợp, kỳ " in cells
    document = Document(io.BytesIO(client.get("/week.docx?start=2027-01-01").data))
    text = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Đến hạn: Hội nghị giao ban 6 tháng" in text
    later = load_workbook(io.BytesIO(client.get("/week.xlsx?start=2027-01-11").data)).active
    assert "Đến hạn" not in " ".join(str(c.value) for row in later.iter_rows() for c in row if c.value)
