"""Public holidays, make-up days off and weekend working days as editable data, seeded from `holidays`."""

import re
from datetime import datetime, timezone

SEED_YEARS = range(2020, 2036)
# The `holidays` package (0.109) names a swapped day off "Ngày nghỉ (thay cho ngày 22/08/2026)": the
# named Saturday is then worked. Make-up days for a holiday on a weekend end in "(nghỉ bù)".
SWAP = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")


def seed_rows(years) -> list[dict]:
    """Vietnam's days off (in Vietnamese) and the weekend days worked for them, as the package knows them."""
    import holidays

    calendar = holidays.Vietnam(years=list(years), language="vi")  # language: else LANG decides (C: English)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = []
    for day, names in sorted(calendar.items()):
        for name in names.split("; "):
            swap = SWAP.search(name)
            kind = "day_off" if swap or name.endswith("(nghỉ bù)") else "holiday"
            rows.append({"day": day.isoformat(), "name": name, "kind": kind})
            if swap:
                rows.append({"day": f"{swap[3]}-{swap[2]}-{swap[1]}", "kind": "working_day",
                             "name": f"Ngày làm bù (cho ngày nghỉ {day:%d/%m/%Y})"})
    return [{**row, "source": "holidays", "created_at": now, "updated_at": now} for row in rows]


def migrate(db):
    """Create `holidays` (one row per day and name) and fill in 2020-2035."""
    db["holidays"].create({"id": int, "day": str, "name": str, "kind": str, "source": str,
                           "created_at": str, "updated_at": str}, pk="id",
                          not_null=["day", "name", "kind", "source", "created_at", "updated_at"])
    db["holidays"].create_index(["day", "name"], unique=True)
    db["holidays"].insert_all(seed_rows(SEED_YEARS))
