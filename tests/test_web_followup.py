"""Pages of the follow-up: the agreement's table and progress, "Ghi kết quả" on an event, the /follow-up dashboard."""

from datetime import date

import pytest
from test_web import create_editor, csrf_token, sign_in

TERM = {"valid_from": "2020-03-05", "valid_until": "2025-03-04"}


@pytest.fixture
def followed(app, client, make, clock):
    clock.set(date(2022, 3, 1))
    a, b = make.organization(name="Ban cán sự Đảng"), make.organization(name="Đảng ủy Khối")
    child = make.organization(name="Văn phòng", parent=a["slug"])
    agreement = make.agreement(parties=[{"organization": a["slug"], "role": "signatory"},
                                        {"organization": b["slug"], "role": "signatory"}],
                               title="Quy chế <b>phối hợp</b>", review_every_months=6, create_review_series=True, **TERM)
    create_editor(app)
    return {"a": a, "b": b, "child": child, "agreement": agreement, "series": agreement["review_series_event"]}


def test_the_agreement_page_shows_the_follow_up_table_and_progress(client, followed):
    html = client.get(f"/agreements/{followed['agreement']['slug']}").get_data(as_text=True)
    assert "Theo dõi thực hiện" in html
    assert "0/10 kỳ giao ban đã tổ chức; 3 quá hạn" in html
    assert html.count('class="state-overdue"') == 3 and html.count('class="state-due"') == 1
    assert "<b>phối hợp</b>" not in html  # escaped


def test_record_the_outcome_from_the_event_page(client, followed):
    event_page = f"/events/{followed['series']}?occurrence=2021-09-05T14:00:00%2B07:00"
    assert "Ghi kết quả" not in client.get(event_page).get_data(as_text=True)  # visitors: no form
    sign_in(client)
    html = client.get(event_page).get_data(as_text=True)
    assert "Ghi kết quả" in html and 'value="2021-09-05"' in html
    [review] = client.get(f"/api/v1/agreements/{followed['agreement']['slug']}/obligations").get_json()["items"]
    assert f'<option value="{review["id"]}:3" selected>' in html  # the period due nearest the occurrence
    form = {"period": f"{review['id']}:3", "held_on": "2021-09-06", "outcome": "Biên bản: đã đánh giá <i>tốt</i>",
            "occurrence": "2021-09-05T14:00:00+07:00"}
    missing_token = client.post(f"/events/{followed['series']}/outcome", data=form)
    assert missing_token.status_code == 400
    response = client.post(f"/events/{followed['series']}/outcome",
                           data={**form, "csrf_token": csrf_token(client, event_page)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Đã ghi kết quả." in page and "1/10 kỳ giao ban đã tổ chức; 2 quá hạn" in page
    assert "Biên bản: đã đánh giá &lt;i&gt;tốt&lt;/i&gt;" in page
    again = client.post(f"/events/{followed['series']}/outcome",
                        data={**form, "csrf_token": csrf_token(client, event_page)}, follow_redirects=True)
    assert "Chưa ghi được kết quả" in again.get_data(as_text=True)


def test_a_bad_outcome_form_writes_nothing(client, followed):
    sign_in(client)
    token = csrf_token(client, f"/events/{followed['series']}")
    for form in ({"period": "x"}, {"period": "1:99", "held_on": "2021-09-06"},
                 {"period": "1:3", "held_on": "2021-09-06", "document_url": "javascript:alert(1)"}):
        response = client.post(f"/events/{followed['series']}/outcome", data={**form, "csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/events/{followed['series']}")
    [review] = client.get(f"/api/v1/agreements/{followed['agreement']['slug']}/obligations").get_json()["items"]
    assert review["progress"]["fulfilled"] == 0


def test_anonymous_posts_to_the_outcome_form_go_to_sign_in(client, followed):
    response = client.post(f"/events/{followed['series']}/outcome",
                           data={"period": "1:1", "held_on": "2020-09-05", "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_dashboard_lists_due_and_overdue_with_sub_units_and_terms(client, followed, clock):
    html = client.get("/follow-up", query_string={"organization": followed["a"]["slug"]}).get_data(as_text=True)
    assert html.count('class="state-overdue"') == 3 and html.count('class="state-due"') == 1
    clock.set(date(2025, 1, 15))
    html = client.get("/follow-up", query_string={"organization": followed["a"]["slug"]}).get_data(as_text=True)
    assert "Sắp hết hiệu lực" in html and f'href="/agreements/{followed["agreement"]["slug"]}"' in html
    only_due = client.get("/follow-up", query_string={"organization": followed["a"]["slug"], "state": "due"})
    assert 'class="state-overdue"' not in only_due.get_data(as_text=True)
    assert client.get("/follow-up", query_string={"organization": "khong-co", "state": "bad"}).status_code == 200


def test_the_follow_up_report_opens_in_word_and_excel(client, auth, followed):
    import io

    from docx import Document
    from openpyxl import load_workbook

    slug = followed["agreement"]["slug"]
    [review] = client.get(f"/api/v1/agreements/{slug}/obligations").get_json()["items"]
    client.put(f"/api/v1/agreements/{slug}/obligations/{review['id']}/periods/1", headers=auth,
               json={"held_on": "2020-09-05", "outcome": "Biên bản số 1/BB-ĐUK"})
    word = client.get(f"/agreements/{slug}/follow-up.docx")
    assert word.status_code == 200 and word.mimetype.endswith("wordprocessingml.document")
    assert f'filename="theo-doi-thuc-hien-{slug}.docx"' in word.headers["Content-Disposition"]
    doc = Document(io.BytesIO(word.data))
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO TÌNH HÌNH THỰC HIỆN QUY CHẾ PHỐI HỢP" in texts
    assert "Quy chế <b>phối hợp</b> (tính đến ngày 01/03/2022)" in texts
    grid = doc.tables[1]
    assert [c.text for c in grid.rows[0].cells] == ["Văn bản", "Nghĩa vụ", "Kỳ", "Hạn", "Tình trạng", "Sự kiện, kết quả"]
    assert len(grid.rows) == 11
    assert [c.text for c in grid.rows[1].cells][2:] == ["Kỳ 1: 05/03/2020 – 04/09/2020", "05/09/2020", "Đã thực hiện",
                                                        "Ngày: 05/09/2020\nBiên bản số 1/BB-ĐUK"]
    assert [c.text for c in grid.rows[2].cells][4] == "Quá hạn"
    sheet = load_workbook(io.BytesIO(client.get(f"/agreements/{slug}/follow-up.xlsx").data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][0] == "BÁO CÁO TÌNH HÌNH THỰC HIỆN QUY CHẾ PHỐI HỢP" and sheet.freeze_panes == "A6"
    assert rows[5][3:5] == ["05/09/2020", "Đã thực hiện"] and len(rows) == 15
    organization = client.get("/follow-up.xlsx", query_string={"organization": followed["child"]["slug"]})
    assert load_workbook(io.BytesIO(organization.data)).active.max_row == 5  # a sub-unit with no agreement
    assert client.get(f"/agreements/{slug}/follow-up.pdf").status_code == 404
    assert client.get("/agreements/khong-co/follow-up.docx").status_code == 404


def test_the_week_page_lists_the_obligations_due_that_week(client, followed):
    html = client.get("/week", query_string={"start": "2022-03-07"}).get_data(as_text=True)
    assert "Nghĩa vụ đến hạn trong tuần" not in html
    html = client.get("/week", query_string={"start": "2022-02-28",
                                             "organization": followed["child"]["slug"]}).get_data(as_text=True)
    assert "Nghĩa vụ đến hạn trong tuần" not in html  # a sub-unit is not party to its parent's agreements
    html = client.get("/week", query_string={"start": "2022-02-28",
                                             "organization": followed["a"]["slug"]}).get_data(as_text=True)
    assert "Nghĩa vụ đến hạn trong tuần" in html and "Hội nghị giao ban 6 tháng — kỳ 4" in html
