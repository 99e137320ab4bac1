"""The weekly work schedule (lịch công tác tuần): a Monday–Sunday week of occurrences, per day and part of the day.

Pure: occurrences and texts in, a Week out; the page, the print view and the Word, Excel and PDF
exports all show this one structure, so they cannot disagree about which item falls where.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["PARTS", "Day", "Item", "Part", "Week", "monday_of", "part_of"]

# The one rule for the schedule's rows, by the start time in the calendar's home zone:
# Sáng (morning) before 12:00, Chiều (afternoon) from 12:00 to 17:59, Tối (evening) from 18:00.
# All-day items, and the later days of an item over several days, are listed in the morning.
PARTS = ("morning", "afternoon", "evening")
AFTERNOON_FROM, EVENING_FROM = time(12), time(18)


def part_of(start: time | None) -> str:
    """The part of the day an item starts in (None: all day); see the rule above."""
    if start is None or start < AFTERNOON_FROM:
        return "morning"
    return "afternoon" if start < EVENING_FROM else "evening"


def monday_of(day: date) -> date:
    """The Monday of the ISO week holding a day."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Item:
    """One line of the schedule: an occurrence with its schedule fields, its texts ready to show."""

    event_id: int
    time: str            # "08:00 – 11:00", or the caller's words for all day
    title: str
    chair: str | None
    attendees: str | None
    location: str | None
    preparation: str | None
    note: str | None
    emphasis: bool
    status: str          # the stored code: confirmed, tentative, cancelled, …
    status_text: str | None  # the words for any status but confirmed ("Đã hủy", "Dự kiến", …)
    kind: str
    sort_key: tuple = ()


@dataclass(frozen=True)
class Part:
    key: str             # one of PARTS
    label: str           # "Sáng", "Chiều", "Tối"
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Day:
    day: date
    label: str           # "Thứ Hai, 08/03/2027"
    note: str | None     # the lunar date and holidays in words (web.days.day_facts), for the exports
    parts: tuple[Part, ...]  # only the parts with items, in PARTS order

    @property
    def rows(self) -> int:
        """How many table rows the day takes (one for an empty day)."""
        return max(1, sum(len(p.items) for p in self.parts))


@dataclass(frozen=True)
class Week:
    monday: date
    days: tuple[Day, ...]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def number(self) -> int:
        """The ISO week number (the Monday's ISO year)."""
        return self.monday.isocalendar().week

    @property
    def empty(self) -> bool:
        return not any(day.parts for day in self.days)


def build(monday: date, occurrences: list[dict], fields: dict[int, dict], zone: ZoneInfo, words) -> Week:
    """Place occurrences (the occurrences API's items) in the week starting on `monday`.

    fields: the schedule fields by event id (chair, attendees, preparation, note, emphasis).
    words: callables the caller translates with: day_label(date), part_label(key),
    status_text(code), all_day() and continued() (the later days of a timed item over several days).
    """
    by_day: dict[date, dict[str, list[Item]]] = {monday + timedelta(days=n): {p: [] for p in PARTS} for n in range(7)}
    for occurrence in occurrences:
        extra = fields.get(occurrence["event_id"]) or {}
        for day, start, text in _placements(occurrence, zone, monday, words):
            item = Item(
                event_id=occurrence["event_id"], time=text, title=occurrence["title"],
                chair=extra.get("chair"), attendees=extra.get("attendees"), location=occurrence.get("location"),
                preparation=extra.get("preparation"), note=extra.get("note"), emphasis=bool(extra.get("emphasis")),
                status=occurrence["status"],
                status_text=None if occurrence["status"] == "confirmed" else words.status_text(occurrence["status"]),
                kind=occurrence["kind"], sort_key=(start or time(0), occurrence["title"], occurrence["event_id"]))
            by_day[day][part_of(start)].append(item)
    days = []
    for day, parts in by_day.items():
        found = tuple(Part(key, words.part_label(key), tuple(sorted(items, key=lambda i: i.sort_key)))
                      for key, items in parts.items() if items)
        days.append(Day(day, words.day_label(day), words.day_note(day), found))
    return Week(monday, tuple(days))


def _placements(occurrence: dict, zone: ZoneInfo, monday: date, words):
    """(day, start time or None, time text) for each day of the week the occurrence is listed on."""
    week_end = monday + timedelta(days=7)
    if occurrence["all_day"]:
        first, last = date.fromisoformat(occurrence["start_date"]), date.fromisoformat(occurrence["end_date"])
        day = max(first, monday)
        while day <= last and day < week_end:
            yield day, None, words.all_day()
            day += timedelta(days=1)
        return
    start = datetime.fromisoformat(occurrence["starts_at"]).astimezone(zone)
    end = datetime.fromisoformat(occurrence["ends_at"]).astimezone(zone)
    last = max(start.date(), (end - timedelta(microseconds=1)).date())
    if monday <= start.date() < week_end:
        text = f"{start:%H:%M} – {end:%H:%M}" if last == start.date() else f"{start:%H:%M} – {end:%H:%M %d/%m}"
        yield start.date(), start.time(), text
    day = max(start.date() + timedelta(days=1), monday)
    while day <= last and day < week_end:
        yield day, None, words.continued()
        day += timedelta(days=1)
