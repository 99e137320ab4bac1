"""The agreement form: its own title label, party rows that do not multiply, errors only on the rows at fault."""

import re

from test_web import SNAPSHOTS, agreement_form, editor, field_block, post_form  # noqa: F401  (the fixture, the snapshot)



def party_rows(html: str) -> int:
    return len(re.findall(r'id="parties-\d+-organization"', html))


def test_the_title_field_names_a_regulation_or_program(seeded, editor):
    html = editor.get("/agreements/new").get_data(as_text=True)
    assert '<label for="title">Tên quy chế, chương trình' in html and "Tên sự kiện" not in html
    assert '<summary>Nâng cao</summary>' in html  # the slug, out of the clerk's way


def test_failed_saves_keep_the_same_party_rows(seeded, editor):
    html = editor.get("/agreements/new").get_data(as_text=True)
    assert party_rows(html) == 4
    bad = agreement_form(title="")  # the four rows the page shows, posted again and again
    for _attempt in range(3):
        html = post_form(editor, "/agreements/new", bad).get_data(as_text=True)
        assert party_rows(html) == 4  # was 4 → 6 → 8 → 10


def test_a_repeated_organization_marks_only_its_repeat(seeded, editor):
    form = agreement_form(**{"parties-3-organization": "dang-uy-khoi-dn-tw", "parties-3-role": "party"})
    response = post_form(editor, "/agreements/new", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Cơ quan, tổ chức này đã có ở dòng trên." in field_block(html, "parties-3-organization")
    assert 'aria-invalid="true"' not in field_block(html, "parties-0-organization")
    assert 'aria-invalid="true"' not in field_block(html, "parties-2-organization")
    assert '<fieldset class="parties invalid">' not in html


# The event form's date entry, kind and zone (issue 12)

def test_the_event_form_reads_dates_back_asks_for_a_kind_and_keeps_other_zones_aside(seeded, editor):
    from test_web import event_form
    html = editor.get("/events/new").get_data(as_text=True)
    assert '<option value="">— chọn loại sự kiện —</option>' in html and "selected>Hội thảo" not in html
    assert "Thời gian theo giờ Việt Nam (GMT+7)." in html and "<summary>Múi giờ khác</summary>" in html
    assert '<option value="Asia/Ho_Chi_Minh" selected>giờ Việt Nam (GMT+7)</option>' in html
    assert 'data-date-names="{&#34;language&#34;: &#34;vi&#34;, &#34;weekdays&#34;: [&#34;Thứ Hai&#34;' in html
    response = post_form(editor, "/events/new", event_form(kind="", starts_at="2027-01-15T08:30"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in field_block(html, "kind")
    assert '<p class="readback" id="starts_at-readback" aria-live="polite">Thứ Sáu, 15/01/2027 08:30</p>' in html
