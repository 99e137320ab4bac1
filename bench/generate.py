"""Generate a benchmark data set through the repositories: organizations, agreements, N events.

    .venv/bin/python -m bench.generate --events 100000 --out bench/data/events-100000.sqlite3
    .venv/bin/python -m bench.generate --national       # -> bench/data/national-1000000.sqlite3

Every row is written by the same repository functions the API calls (search text, FTS, ranges,
the occurrence index, audit rows and feed versions included), in large transactions. The data is
deterministic for a seed except for the created/updated timestamps.
"""

import argparse
import random
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from calendar_app.db import connect, migrate, write_transaction
from calendar_app.eventtime import zone
from calendar_app.progress import progress
from calendar_app.recurrence import normalize_rrule
from calendar_app.repositories import agreements, events, organizations
from calendar_app.text import slugify

ACTOR = "system:bench"
HCM = "Asia/Ho_Chi_Minh"
HUB = "dang-uy-khoi-dn-tw"  # takes part in every event: its feed holds the whole data set
FIRST_DAY, DAYS = date(2026, 1, 1), 5 * 365
BATCH = 5000

MINISTRIES = [
    ("bo-tt-tt", "Bộ Thông tin và Truyền thông"), ("bo-cong-thuong", "Bộ Công Thương"),
    ("bo-ke-hoach-dau-tu", "Bộ Kế hoạch và Đầu tư"), ("bo-giao-duc-dao-tao", "Bộ Giáo dục và Đào tạo"),
    ("bo-tai-chinh", "Bộ Tài chính"), ("bo-quoc-phong", "Bộ Quốc phòng"),
    ("bo-van-hoa-the-thao-du-lich", "Bộ Văn hóa, Thể thao và Du lịch"), ("bo-y-te", "Bộ Y tế"),
]
UNITS = ["Ban cán sự Đảng", "Đảng ủy", "Văn phòng", "Vụ Hợp tác quốc tế", "Đoàn Thanh niên"]
PLACES = ["Hà Nội", "Đà Nẵng", "TP. Hồ Chí Minh", "Đắk Lắk", "Điện Biên", "Hải Phòng", "Cần Thơ", "Đồng Tháp"]
TOPICS = ["Đổi mới sáng tạo trong doanh nghiệp nhà nước", "Chuyển đổi số", "Khơi thông nguồn lực",
          "Đảng bộ Khối Doanh nghiệp Trung ương", "Đào tạo cán bộ trẻ", "Quảng bá hàng Việt",
          "Phát triển bền vững", "Đẩy mạnh hợp tác quốc tế"]
KINDS = [("joint_workshop", "Hội thảo"), ("signing_ceremony", "Lễ ký kết"),
         ("volunteer_program", "Chương trình tình nguyện"),
         ("review_meeting", "Hội nghị giao ban"), ("other", "Tọa đàm")]
SIGNATORIES = ["Trương Minh Tuấn", "Phạm Viết Thanh", "Y Thanh Hà Nie Kđăm", "Đoàn Minh Huấn", "Nguyễn Văn Bình",
               "Đặng Thị Hồng", "Đỗ Đức Duy", "Lê Thị Đào"]


def _organizations(rng: random.Random) -> list[dict]:
    """Ministries with child units, and the hub organization (itself a child) that is in every event."""
    found = [{"slug": "ban-chap-hanh-trung-uong", "name": "Ban Chấp hành Trung ương", "kind": "party_committee"},
             {"slug": HUB, "name": "Đảng ủy Khối Doanh nghiệp Trung ương", "short_name": "Đảng ủy Khối DN TƯ",
              "kind": "party_committee", "parent": "ban-chap-hanh-trung-uong"}]
    for slug, name in MINISTRIES:
        found.append({"slug": slug, "name": name, "kind": "ministry"})
        for n, unit in enumerate(UNITS):
            found.append({"slug": f"{slug}-don-vi-{n + 1}", "name": f"{unit} {name}", "kind": "party_committee",
                          "parent": slug})
    return found


# The national profile: 1,000 organizations in trees (ministries and their units, provinces with their
# People's Committee, Party committee and departments, state enterprises under the hub), 5,000
# agreements, 1,000,000 events of two or three organizations each.
NATIONAL = {"organizations": 1000, "agreements": 5000, "events": 1_000_000}
NATIONAL_BASE = 20_000  # events written through the repositories; the rest are copies (see replicate)
MORE_MINISTRIES = ["Bộ Ngoại giao", "Bộ Nội vụ", "Bộ Tư pháp", "Bộ Công an", "Bộ Xây dựng", "Bộ Giao thông vận tải",
                   "Bộ Nông nghiệp và Phát triển nông thôn", "Bộ Tài nguyên và Môi trường", "Bộ Khoa học và Công nghệ",
                   "Bộ Lao động – Thương binh và Xã hội", "Ủy ban Dân tộc", "Thanh tra Chính phủ",
                   "Ngân hàng Nhà nước Việt Nam", "Văn phòng Chính phủ"]
PROVINCES = ["Hà Nội", "TP. Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hà Giang", "Cao Bằng", "Bắc Kạn",
             "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La", "Yên Bái", "Hòa Bình", "Thái Nguyên",
             "Lạng Sơn", "Quảng Ninh", "Bắc Giang", "Phú Thọ", "Vĩnh Phúc", "Bắc Ninh", "Hải Dương", "Hưng Yên",
             "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình",
             "Quảng Trị", "Thừa Thiên Huế", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa",
             "Ninh Thuận", "Bình Thuận", "Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước",
             "Tây Ninh", "Bình Dương", "Đồng Nai", "Bà Rịa – Vũng Tàu", "Long An", "Tiền Giang", "Bến Tre",
             "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang", "Hậu Giang", "Sóc Trăng", "Bạc Liêu",
             "Cà Mau"]
DEPARTMENTS = ["Sở Thông tin và Truyền thông", "Sở Công Thương", "Sở Kế hoạch và Đầu tư"]
ENTERPRISES = ["Tập đoàn Điện lực", "Tập đoàn Dầu khí", "Tập đoàn Công nghiệp – Viễn thông", "Tổng công ty Đường sắt",
               "Tổng công ty Hàng không", "Tổng công ty Lương thực", "Tập đoàn Cao su", "Tổng công ty Bưu điện",
               "Ngân hàng Thương mại cổ phần Ngoại thương", "Tập đoàn Than – Khoáng sản"]


def _national_organizations(count: int) -> list[dict]:
    """`count` organizations with parents: every slug is unique and every parent comes before its children."""
    found = _organizations(random.Random(0))
    for name in MORE_MINISTRIES:
        slug = slugify(name)
        found.append({"slug": slug, "name": name, "kind": "ministry"})
        for n, unit in enumerate(UNITS):
            found.append({"slug": f"{slug}-don-vi-{n + 1}", "name": f"{unit} {name}", "kind": "party_committee",
                          "parent": slug})
    for province in PROVINCES:
        slug = slugify(province)
        found.append({"slug": f"ubnd-{slug}", "name": f"Ủy ban nhân dân {province}", "kind": "government_agency"})
        found.append({"slug": f"tinh-uy-{slug}", "name": f"Tỉnh ủy {province}", "kind": "party_committee",
                      "parent": "ban-chap-hanh-trung-uong"})
        for n, department in enumerate(DEPARTMENTS):
            found.append({"slug": f"{slug}-so-{n + 1}", "name": f"{department} {province}",
                          "kind": "government_agency", "parent": f"ubnd-{slug}"})
    n = 0
    while len(found) < count:  # state enterprises under the hub, each with its Party committee
        n += 1
        name = f"{ENTERPRISES[n % len(ENTERPRISES)]} số {n}"
        slug = slugify(name)
        found.append({"slug": slug, "name": name, "kind": "enterprise", "parent": HUB})
        if len(found) < count:
            found.append({"slug": f"{slug}-dang-uy", "name": f"Đảng ủy {name}", "kind": "party_committee",
                          "parent": slug})
    return found[:count]


def _agreements(rng: random.Random, slugs: list[str], count: int) -> list[dict]:
    """Programs with yearly plans under them, and regulations; two signatories and sometimes a witness."""
    found = []
    for n in range(count):
        a, b, witness = rng.sample(slugs, 3)
        parties = [{"organization": a, "role": "signatory", "signatory_name": rng.choice(SIGNATORIES),
                    "signatory_title": "Bí thư"},
                   {"organization": b, "role": "signatory", "signatory_name": rng.choice(SIGNATORIES),
                    "signatory_title": "Bộ trưởng"}]
        if n % 3 == 0:
            parties.append({"organization": witness, "role": "witness", "signatory_name": rng.choice(SIGNATORIES),
                            "signatory_title": "Ủy viên Bộ Chính trị"})
        start = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        program = n % 4 == 1 and found and found[-1]["kind"] == "regulation"
        found.append({
            "slug": f"thoa-thuan-{n + 1}", "title": f"Chương trình phối hợp số {n + 1} về {rng.choice(TOPICS)}",
            "kind": "plan" if program else ("program" if n % 4 == 2 else "regulation"),
            "parent": None, "summary": "Đẩy mạnh phối hợp; định kỳ thông báo kết quả cho nhau.",
            "signed_on": start, "valid_from": start, "valid_until": start + timedelta(days=5 * 365),
            "review_every_months": 6, "source_url": None, "parties": parties,
        })
    return found


def event_fields(rng: random.Random, n: int, total: int, agreement_slugs: list[str],
                 organization_slugs: list[str], national: bool = False) -> dict:
    """Typed fields of the n-th event, as EventInSchema would hand them to the repository.

    The national profile has the hub in one event in a hundred (about as many as the 10,000-event
    hub feed) and two or three organizations in every event.
    """
    kind, label = KINDS[n % len(KINDS)]
    day = FIRST_DAY + timedelta(days=n * DAYS // total)
    tz_name = "Europe/Berlin" if n % 50 == 7 else HCM  # a few events in a zone with daylight saving
    tz = zone(tz_name)
    fields = {
        "uid": f"bench-{n}@calendar-app",
        "title": f"{label} “{rng.choice(TOPICS)}” lần {n}",
        "kind": kind, "agreement": rng.choice(agreement_slugs) if n % 10 else None,
        "organizations": _event_organizations(rng, n, organization_slugs, national),
        "description": "Đơn vị chủ trì: Đảng ủy Khối.\nĐề nghị các đơn vị cử đại biểu dự." if n % 7 == 0 else None,
        "location": rng.choice(PLACES), "url": None,
        "status": "cancelled" if n % 33 == 5 else ("tentative" if n % 9 == 4 else "confirmed"),
        "visibility": "internal" if n % 20 == 3 else "public",
        "timezone": tz_name, "rrule": None, "exdates": [],
        "all_day": False, "starts_at": None, "ends_at": None, "start_date": None, "end_date": None,
    }
    all_day = kind == "volunteer_program" and n % 2 == 0
    if all_day:
        fields.update(all_day=True, start_date=day, end_date=day + timedelta(days=rng.randrange(5)))
        start = day
    else:
        start = datetime(day.year, day.month, day.day, rng.choice([8, 9, 14, 15]), rng.choice([0, 30]), tzinfo=tz)
        fields.update(starts_at=start, ends_at=start + timedelta(minutes=rng.choice([60, 90, 120, 180])))
    if n % 20 == 0:  # 5% recurring
        fields["rrule"], fields["exdates"] = _recurrence(n // 20, start, all_day)
    return fields


def _event_organizations(rng: random.Random, n: int, slugs: list[str], national: bool) -> list[str]:
    if not national:
        return sorted({HUB, rng.choice(slugs)})
    return sorted({*rng.sample(slugs, 2 + (n % 3 == 0)), *([HUB] if n % 100 == 0 else [])})


def _recurrence(r: int, start, all_day: bool) -> tuple[str, list]:
    """A rule of the r-th recurring event: mostly bounded series, one in ten without end."""
    if all_day:
        return normalize_rrule("FREQ=YEARLY;COUNT=5", start), []
    choice = r % 10
    if choice == 0:
        return normalize_rrule("FREQ=YEARLY", start), []
    if choice in (1, 2, 3, 4):
        until = (start + timedelta(days=5 * 365)).astimezone(zone("UTC")).strftime("%Y%m%dT%H%M%SZ")
        return normalize_rrule(f"FREQ=MONTHLY;INTERVAL=6;UNTIL={until}", start), []
    if choice in (5, 6):
        return normalize_rrule("FREQ=WEEKLY;COUNT=12", start), [start + timedelta(weeks=2)]
    if choice == 7:
        return normalize_rrule("FREQ=MONTHLY;COUNT=24", start), []
    if choice == 8:
        return normalize_rrule("FREQ=DAILY;COUNT=5", start), []
    return normalize_rrule("FREQ=WEEKLY;INTERVAL=2;COUNT=20", start), []


def generate(db, n_events: int, seed: int = 1, progress=None, national: bool = False) -> dict:
    """Write the data set through the repositories; return what was created.

    `progress(count)` is called after every batch of events with the batch's size.
    """
    rng = random.Random(seed)
    orgs = _national_organizations(NATIONAL["organizations"]) if national else _organizations(rng)
    with write_transaction(db):
        for organization in orgs:
            organizations.create(db, organization, ACTOR)
    slugs = [o["slug"] for o in orgs]
    agreement_list = _agreements(rng, slugs, NATIONAL["agreements"] if national
                                 else max(10, min(500, n_events // 200)))
    with write_transaction(db):
        previous_program = None
        for agreement in agreement_list:
            if agreement["kind"] == "plan" and previous_program:
                agreement["parent"] = previous_program
            created = agreements.create(db, agreement, ACTOR)
            if created["kind"] == "program":
                previous_program = created["slug"]
    agreement_slugs = [a["slug"] for a in agreement_list]
    for first in range(0, n_events, BATCH):
        with write_transaction(db):
            for n in range(first, min(n_events, first + BATCH)):
                events.create(db, event_fields(rng, n, n_events, agreement_slugs, slugs, national), ACTOR)
        if progress:
            progress(min(n_events, first + BATCH) - first)
    return {"organizations": len(orgs), "agreements": len(agreement_list), "events": n_events, "hub": HUB}


def replicate(db, copies: int, progress=None) -> int:
    """Add `copies` copies of every event in SQL, each with its own id and UID; return the events added.

    Writing 1,000,000 events through the repositories takes hours on this machine (about 110 a second
    while eight others share it), so the national data set writes NATIONAL_BASE events that way and
    repeats them: every copy keeps the base event's days, texts and occurrence rows (the FTS triggers
    index it), moves it to other organizations (the hub stays), and gets its create audit row. Feed
    versions are not bumped, as for a restored database: the first request builds every feed.
    """
    base_max = db.execute("select max(id) from events").fetchone()[0]
    organization_ids = [r[0] for r in db.execute("select id from organizations order by id")]
    hub_id = db.execute("select id from organizations where slug = ?", [HUB]).fetchone()[0]
    columns = [c.name for c in db["events"].columns if c.name not in ("id", "uid")]
    listed = ", ".join(columns)
    db.execute("create temp table moved (copy integer, from_id integer, to_id integer, primary key (copy, from_id))")
    added = 0
    for copy in range(1, copies + 1):
        offset = copy * base_max
        shift = copy * 37
        with write_transaction(db):
            db.conn.executemany("insert into moved values (?, ?, ?)", [
                (copy, o, o if o == hub_id else organization_ids[(i + shift) % len(organization_ids)])
                for i, o in enumerate(organization_ids)])
            db.execute(f"insert into events (id, uid, {listed}) select id + ?, uid || '-' || ?, {listed} "
                       "from events where id <= ?", [offset, copy, base_max])
            db.execute("insert or ignore into event_organizations select eo.event_id + ?, m.to_id "
                       "from event_organizations eo join moved m on m.copy = ? and m.from_id = eo.organization_id "
                       "where eo.event_id <= ?", [offset, copy, base_max])
            db.execute("insert into event_occurrences select event_id + ?, starts, ends, exact, short "
                       "from event_occurrences where event_id <= ?", [offset, base_max])
            db.execute("insert into audit_log (at, actor, entity, entity_id, entity_key, action, changes) "
                       "select at, actor, entity, entity_id + ?, entity_key, action, changes from audit_log "
                       "where entity = 'event' and action = 'create' and entity_id <= ?", [offset, base_max])
        added += base_max
        if progress:
            progress(base_max)
    db.execute("drop table moved")
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=None, help="default 10000 (national: 1000000)")
    parser.add_argument("--national", action="store_true",
                        help="1,000 organizations in trees and 5,000 agreements (see NATIONAL)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None,
                        help="SQLite file (replaced); default bench/data/events-N.sqlite3 (national-N)")
    args = parser.parse_args()
    n_events = args.events or (NATIONAL["events"] if args.national else 10000)
    stem = "national" if args.national else "events"
    out = args.out or Path(__file__).parent / "data" / f"{stem}-{n_events}.sqlite3"
    out.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(out) + suffix).unlink(missing_ok=True)
    began = time.perf_counter()
    db = connect(str(out))
    migrate(db)
    written = min(n_events, NATIONAL_BASE) if args.national else n_events
    with progress("Generating events", written) as bar:
        summary = generate(db, written, args.seed, progress=bar.update, national=args.national)
    if written < n_events:
        with progress("Copying events", n_events - written) as bar:
            summary["events"] += replicate(db, n_events // written - 1, progress=bar.update)
    db.execute("analyze")
    db.close()
    print(f"{out}: {summary} in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
