"""The demo data set, built from the two source articles in shared/seeds (see the domain doc)."""

from datetime import date, datetime

from .db import write_transaction
from .eventtime import zone
from .clock import utc_now
from .followup.periods import local_today
from .repositories import agreements, events, obligations, organizations, review_series
from .settings import default_timezone

HCM = "Asia/Ho_Chi_Minh"
ACTOR = "system:seed-demo"
NO_DATE = ("Bài báo nguồn không ghi ngày ({said}); ngày giờ ghi ở đây chỉ là ngày giữ chỗ "
           "để sự kiện hiện trên lịch, không phải ngày thật.")

ORGANIZATIONS = [
    {"slug": "bo-tt-tt", "name": "Bộ Thông tin và Truyền thông", "short_name": "Bộ TT&TT", "kind": "ministry"},
    {"slug": "ban-can-su-dang-bo-tt-tt", "name": "Ban cán sự Đảng Bộ Thông tin và Truyền thông",
     "short_name": "Ban cán sự Đảng Bộ TT&TT", "kind": "party_committee", "parent": "bo-tt-tt"},
    {"slug": "dang-uy-khoi-dn-tw", "name": "Đảng ủy Khối Doanh nghiệp Trung ương",
     "short_name": "Đảng ủy Khối DN TƯ", "kind": "party_committee"},
    {"slug": "tap-chi-cong-san", "name": "Tạp chí Cộng sản", "short_name": "TCCS", "kind": "press"},
    {"slug": "ban-kinh-te-trung-uong", "name": "Ban Kinh tế Trung ương", "short_name": "Ban Kinh tế TƯ",
     "kind": "party_committee"},
]

REGULATION = {
    "slug": "quy-che-phoi-hop-bcsd-bo-tt-tt-dang-uy-khoi-dn-tw",
    "title": "Quy chế phối hợp công tác giữa Ban cán sự Đảng Bộ TT&TT và Đảng ủy Khối Doanh nghiệp Trung ương",
    "kind": "regulation",
    "summary": ("Hai bên phối hợp lãnh đạo, chỉ đạo, kiểm tra, giám sát các đảng ủy tập đoàn kinh tế, tổng công ty "
                "do Bộ TT&TT quản lý có tổ chức đảng trực thuộc Đảng bộ Khối Doanh nghiệp Trung ương. Hai bên định "
                "kỳ thông báo cho nhau kết quả phối hợp; 6 tháng một lần tổ chức hội nghị giao ban đánh giá kết quả "
                "thực hiện quy chế. Bài báo không ghi ngày ký (\"chiều nay\"): ngày hiệu lực ghi ở đây là ngày giữ chỗ."),
    "signed_on": None, "valid_from": date(2017, 1, 1), "valid_until": None, "review_every_months": 6,
    "source_url": None,
    "parties": [
        {"organization": "ban-can-su-dang-bo-tt-tt", "role": "signatory",
         "signatory_name": "Trương Minh Tuấn", "signatory_title": "Bộ trưởng Bộ Thông tin và Truyền thông"},
        {"organization": "dang-uy-khoi-dn-tw", "role": "signatory",
         "signatory_name": "Phạm Viết Thanh", "signatory_title": "Bí thư Đảng ủy Khối Doanh nghiệp Trung ương"},
    ],
}

PROGRAM = {
    "slug": "chuong-trinh-phoi-hop-dang-uy-khoi-dn-tw-tap-chi-cong-san-2020-2025",
    "title": "Chương trình phối hợp công tác giữa Đảng ủy Khối Doanh nghiệp Trung ương và Tạp chí Cộng sản "
             "giai đoạn 2020 – 2025",
    "kind": "program",
    "summary": ("Nâng cao hiệu quả thực hiện nhiệm vụ chính trị và công tác xây dựng Đảng của mỗi cơ quan; trao đổi "
                "thông tin hai chiều, chia sẻ kinh nghiệm; phối hợp tổ chức hội thảo, tọa đàm, sự kiện có tính thời sự."),
    "signed_on": date(2020, 3, 5), "valid_from": date(2020, 3, 5), "valid_until": date(2025, 12, 31),
    "review_every_months": None, "source_url": None,
    "parties": [
        {"organization": "dang-uy-khoi-dn-tw", "role": "signatory",
         "signatory_name": "Y Thanh Hà Nie Kđăm", "signatory_title": "Bí thư Đảng ủy Khối Doanh nghiệp Trung ương"},
        {"organization": "tap-chi-cong-san", "role": "signatory",
         "signatory_name": "Đoàn Minh Huấn", "signatory_title": "Tổng Biên tập Tạp chí Cộng sản"},
        {"organization": "ban-kinh-te-trung-uong", "role": "witness", "signatory_name": "Nguyễn Văn Bình",
         "signatory_title": "Ủy viên Bộ Chính trị, Trưởng Ban Kinh tế Trung ương"},
    ],
}

PLAN_2020 = {
    "slug": "chuong-trinh-phoi-hop-cu-the-nam-2020-dang-uy-khoi-dn-tw-tap-chi-cong-san",
    "title": "Chương trình phối hợp công tác cụ thể năm 2020 giữa Đảng ủy Khối Doanh nghiệp Trung ương "
             "và Tạp chí Cộng sản",
    "kind": "plan", "parent": PROGRAM["slug"],
    "summary": ("Viết bài nghiên cứu tổng kết; Đại hội đại biểu Đảng bộ Khối Doanh nghiệp Trung ương lần thứ III "
                "(nhiệm kỳ 2020 – 2025); hội thảo khoa học; quảng bá hàng Việt; trao đổi thông tin thường xuyên; mời "
                "dự họp; Chương trình tình nguyện “Tết ấm yêu thương”."),
    "signed_on": date(2020, 3, 5), "valid_from": date(2020, 1, 1), "valid_until": date(2020, 12, 31),
    "review_every_months": None, "source_url": None,
    "parties": PROGRAM["parties"][:2],
}


# Besides what agreements.create gives every agreement (the regulation's 6-monthly review; the
# program's yearly plans, the 2020 one fulfilled by PLAN_2020, and its final review): the
# regulation's "định kỳ thông báo cho nhau kết quả", every 6 months from either side.
RESULTS_REPORT = {"kind": "results_report", "title": "Định kỳ thông báo cho nhau kết quả phối hợp",
                  "cadence_months": 6, "remind_days": 14}


def _at(y, m, d, hh, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=zone(HCM))


def _timed(uid, title, kind, agreement, organizations_, start, end, description, status="confirmed", location=None):
    return {"uid": uid, "title": title, "kind": kind, "agreement": agreement, "organizations": organizations_,
            "description": description, "location": location, "url": None, "status": status,
            "visibility": "public", "all_day": False, "starts_at": start, "ends_at": end, "timezone": HCM,
            "start_date": None, "end_date": None, "rrule": None, "exdates": []}


def _all_day(uid, title, kind, agreement, organizations_, first, last, description, status="tentative"):
    return {**_timed(uid, title, kind, agreement, organizations_, None, None, description, status),
            "all_day": True, "start_date": first, "end_date": last}


EVENTS = [
    _timed("demo-le-ky-quy-che-bcsd-tttt-dang-uy-khoi@calendar-app",
           "Lễ ký Quy chế phối hợp công tác giữa Ban cán sự Đảng Bộ TT&TT và Đảng ủy Khối Doanh nghiệp TƯ",
           "signing_ceremony", REGULATION["slug"], ["ban-can-su-dang-bo-tt-tt", "dang-uy-khoi-dn-tw"],
           _at(2017, 1, 1, 14), _at(2017, 1, 1, 16),
           NO_DATE.format(said="chỉ ghi \"chiều nay\"") + " Ký kết: Bộ trưởng Trương Minh Tuấn và Bí thư Đảng ủy "
           "Khối DN TƯ Phạm Viết Thanh. Tại lễ ký, Đảng ủy Khối DN TƯ trao kỷ niệm chương \"Vì sự nghiệp xây dựng "
           "Đảng trong doanh nghiệp VN\" cho 5 Thứ trưởng Bộ TT&TT: Nguyễn Minh Hồng, Nguyễn Thành Hưng, "
           "Phạm Hồng Hải, Phan Tâm, Hoàng Vĩnh Bảo."),
    _timed("demo-le-ky-ket-chuong-trinh-dang-uy-khoi-tccs-2020@calendar-app",
           "Lễ ký kết Chương trình phối hợp công tác giai đoạn 2020 – 2025 giữa Đảng ủy Khối DN TƯ và Tạp chí "
           "Cộng sản", "signing_ceremony", PROGRAM["slug"], ["dang-uy-khoi-dn-tw", "tap-chi-cong-san"],
           _at(2020, 3, 5, 14), _at(2020, 3, 5, 16),
           "Chiều 5/3/2020 (bài báo ghi \"chiều\", giờ 14:00 là giờ giữ chỗ). Trước sự chứng kiến của Ủy viên Bộ "
           "Chính trị, Trưởng Ban Kinh tế Trung ương Nguyễn Văn Bình; ký kết: Bí thư Đảng ủy Khối DN TƯ Y Thanh Hà "
           "Nie Kđăm và Tổng Biên tập Tạp chí Cộng sản Đoàn Minh Huấn."),
    _all_day("demo-hoi-thao-khoi-thong-nguon-luc-2020@calendar-app",
             "Hội thảo khoa học “Khơi thông nguồn lực, tạo động lực mới cho doanh nghiệp nhà nước phát triển bền vững”",
             "joint_workshop", PLAN_2020["slug"], ["dang-uy-khoi-dn-tw", "tap-chi-cong-san"],
             date(2020, 10, 15), date(2020, 10, 15),
             NO_DATE.format(said="chỉ ghi là nội dung của chương trình cụ thể năm 2020")
             + " Đồng tổ chức: Đảng ủy Khối DN TƯ và Tạp chí Cộng sản."),
    _all_day("demo-tet-am-yeu-thuong-2021@calendar-app",
             "Chương trình tình nguyện “Tết ấm yêu thương”", "volunteer_program", PLAN_2020["slug"],
             ["dang-uy-khoi-dn-tw", "tap-chi-cong-san"], date(2021, 1, 25), date(2021, 1, 29),
             NO_DATE.format(said="chỉ ghi là nội dung của chương trình cụ thể năm 2020, dịp Tết")
             + " Thăm và chúc Tết cán bộ chiến sĩ nơi biên giới, hải đảo; tặng quà Tết cho nhân dân vùng gặp khó "
             "khăn của các tỉnh biên giới, hải đảo."),
]


def seed(db) -> int:
    """Create whatever of the demo set is missing, in one transaction; return how many records were made."""
    created = 0
    with write_transaction(db):
        for organization in ORGANIZATIONS:
            if not _exists(db, "organizations", "slug", organization["slug"]):
                organizations.create(db, organization, ACTOR)
                created += 1
        for agreement in (REGULATION, PROGRAM, PLAN_2020):
            if not _exists(db, "agreements", "slug", agreement["slug"]):
                stored = agreements.create(db, agreement, ACTOR)
                created += 1
                if agreement["review_every_months"]:
                    review_series.create_series(db, stored, ACTOR, default_timezone())
                    created += 1
        regulation_id = db.execute("select id from agreements where slug = ?", [REGULATION["slug"]]).fetchone()[0]
        if not db.execute("select 1 from obligations where agreement_id = ? and kind = 'results_report'",
                          [regulation_id]).fetchone():
            obligations.create(db, REGULATION["slug"], RESULTS_REPORT, ACTOR, local_today(utc_now()))
            created += 1
        for event in EVENTS:
            if not _exists(db, "events", "uid", event["uid"]):
                events.create(db, event, ACTOR)
                created += 1
    return created


def _exists(db, table: str, column: str, value: str) -> bool:
    return db.execute(f"select 1 from {table} where {column} = ?", [value]).fetchone() is not None
