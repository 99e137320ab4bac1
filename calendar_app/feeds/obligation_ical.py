"""Open obligation periods as all-day VEVENTs with a VALARM: pure, deterministic (no Flask, no database).

VEVENT, not VTODO: subscribed calendars in Google Calendar, Outlook and Apple Calendar show only
events (tasks live in other apps), khal lists VEVENTs and skips VTODOs (tried: a VTODO with DUE
and DTSTART beside a VEVENT on the same day, only the VEVENT was listed), and Evolution files
VTODOs in a task list, not the calendar the office subscribed to. An all-day, transparent
event on the due day is what every one of them shows where the staff look.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, timezone

from icalendar import Alarm, Event
from icalendar.enums import CLASS, TRANSP

from ..clock import from_stored
from .ical_builder import CLASSES, _text, _uri

UID_DOMAIN = "calendar-app"


def obligation_uid(obligation_id: int, n: int) -> str:
    """One UID per obligation period, for life: clients update it in place and drop it once fulfilled."""
    return f"obligation-{obligation_id}-{n}@{UID_DOMAIN}"


def obligation_vevents(items: Iterable[Mapping], base_url: str) -> bytes:
    """Serialise open periods (the follow-up items of the repository) as VEVENTs on their due days."""
    return b"".join(_vevent(item, base_url).to_ical() for item in items)


def _vevent(item: Mapping, base_url: str) -> Event:
    period = item["period"]
    due = date.fromisoformat(period["due_on"])
    stamp = from_stored(item["updated_at"]) or datetime(1970, 1, 1, tzinfo=timezone.utc)
    total = item.get("total")
    summary = f"Hạn: {item['title']} — {item['agreement_title']}"
    # No state in the text: it moves with the clock, and the same data must give the same bytes.
    lines = [f"Kỳ {period['n']}{f'/{total}' if total else ''}: {_day(period['starts_on'])} – {_day(period['ends_on'])}"]
    if item.get("responsible_name"):
        lines.append(f"Đơn vị chịu trách nhiệm: {item['responsible_name']}")
    event = Event.new(
        uid=obligation_uid(item["obligation"], period["n"]), stamp=stamp, last_modified=stamp,
        start=due, end=due + timedelta(days=1), summary=_text(summary), description=_text("\n".join(lines)),
        url=_uri(f"{base_url}/agreements/{item['agreement']}"), categories=["Theo dõi thực hiện"],
        classification=CLASSES.get(item["visibility"], CLASS.PRIVATE), transparency=TRANSP.TRANSPARENT,
    )
    event.add_component(Alarm.new_display(description=_text(summary), trigger=-timedelta(days=item["remind_days"])))
    return event


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def splice(feed: bytes, vevents: bytes, footer: bytes) -> bytes:
    """Put components in a serialised calendar, before its END:VCALENDAR."""
    if not vevents:
        return feed
    return feed[:-len(footer)] + vevents + footer
