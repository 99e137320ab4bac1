"""The month grid's chips: start time and a short title, three a day then "+N", multi-day events as one bar.

pages.month_grid puts each occurrence on every day it touches (in Vietnam time); this module
decides how each day shows them. The full title stays in the link (shown on hover and focus),
and each chip's state is in words, so colour is never the only sign.
"""

from datetime import date, timedelta

from ..schemas.common import year_in_range

CHIPS_PER_DAY = 3
SHORT_TITLE = 32
_DAY = timedelta(days=1)


def short(title: str, limit: int = SHORT_TITLE) -> str:
    """The title cut at a word before `limit` characters, with an ellipsis."""
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0] or title[:limit]
    return cut.rstrip(" ,.;:–-") + "…"


def bar_part(item: dict, day: date) -> str:
    """Where a day falls on an event's bar: single, start, middle or end."""
    first, last = item["first_day"], item["last_day"]
    if first == last:
        return "single"
    if day == first:
        return "start"
    return "end" if day == last else "middle"


def chip(item: dict, day: date) -> dict:
    """How one occurrence shows on one day; a bar's continuation repeats its title only on Mondays."""
    part = bar_part(item, day)
    continued = part in ("middle", "end") and day.weekday() != 0
    return {"item": item, "part": part, "continued": continued,
            "time": item.get("home_start_time") if part in ("single", "start") else None,
            "short": short(item["title"])}


def with_chips(weeks: list[list[dict]]) -> list[list[dict]]:
    """Give each day cell its first chips and how many more it holds ("+N sự kiện")."""
    for week in weeks:
        for cell in week:
            found = cell["events"]
            # Bars first, so a multi-day event keeps its row from one day to the next.
            ordered = sorted(found, key=lambda o: (o["first_day"] == o["last_day"], o["first_day"]))
            cell["chips"] = [chip(o, cell["day"]) for o in ordered[:CHIPS_PER_DAY]]
            cell["more"] = max(0, len(found) - CHIPS_PER_DAY)
    return weeks


def day_arg(value: str | None) -> date | None:
    """A day asked for with ?day=YYYY-MM-DD, or None."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if year_in_range(day.year) else None
