"""'Add this event' links for Google Calendar and Outlook on the web, built from an event's API representation.

No Flask here. The formats (neither service publishes a formal specification; these are the
parameters their own "add to calendar" buttons use):

- Google: https://calendar.google.com/calendar/render?action=TEMPLATE&text=…&dates=START/END&details=…
  &location=…&ctz=ZONE[&recur=RRULE:…]; START/END are UTC basic format (20261215T013000Z) for a timed
  event, or dates (20261220/20261222, the end exclusive) for an all-day one.
- Outlook: https://outlook.office.com/calendar/0/deeplink/compose (work or school accounts; personal ones:
  outlook.live.com) with path=/calendar/action/compose&rru=addevent&subject=…&startdt=…&enddt=…
  &body=…&location=…&allday=true|false; startdt/enddt are ISO 8601 with the offset
  (2026-12-15T08:30:00+07:00), or dates for an all-day event (the end exclusive, as in iCalendar).
  The compose form takes no recurrence: for a series it adds the first occurrence (the page says so).
"""

from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_HOSTS = {"office": "outlook.office.com", "live": "outlook.live.com"}
MAX_DETAILS = 1000  # characters of the description carried in a link; the event page has the rest


def _details(event: dict, page_url: str) -> str:
    """The description (cut to MAX_DETAILS) followed by the event page's address."""
    text = (event.get("description") or "").strip()
    if len(text) > MAX_DETAILS:
        text = text[:MAX_DETAILS - 1].rstrip() + "…"
    return f"{text}\n\n{page_url}" if text else page_url


def _span(event: dict) -> tuple[date | datetime, date | datetime]:
    """(start, exclusive end): aware datetimes, or dates for an all-day event."""
    if event["all_day"]:
        return date.fromisoformat(event["start_date"]), date.fromisoformat(event["end_date"]) + timedelta(days=1)
    return datetime.fromisoformat(event["starts_at"]), datetime.fromisoformat(event["ends_at"])


def google(event: dict, page_url: str) -> str:
    """Google Calendar's 'add event' form filled with this event (its series rule too)."""
    start, end = _span(event)
    if event["all_day"]:
        dates = f"{start:%Y%m%d}/{end:%Y%m%d}"
    else:
        dates = "/".join(f"{moment.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}" for moment in (start, end))
    query = [("action", "TEMPLATE"), ("text", event["title"]), ("dates", dates),
             ("details", _details(event, page_url))]
    if event.get("location"):
        query.append(("location", event["location"]))
    query.append(("ctz", event["timezone"]))
    if event.get("rrule"):
        query.append(("recur", "RRULE:" + event["rrule"]))
    return f"{GOOGLE}?{urlencode(query, safe='/')}"  # dates=START/END with its slash, as Google writes it


def outlook(event: dict, page_url: str, account: str = "office") -> str:
    """Outlook on the web's new-event form filled with this event (the first occurrence of a series)."""
    start, end = _span(event)
    query = [("path", "/calendar/action/compose"), ("rru", "addevent"), ("subject", event["title"]),
             ("startdt", start.isoformat()), ("enddt", end.isoformat()),
             ("allday", "true" if event["all_day"] else "false"), ("body", _details(event, page_url))]
    if event.get("location"):
        query.append(("location", event["location"]))
    return f"https://{OUTLOOK_HOSTS[account]}/calendar/0/deeplink/compose?{urlencode(query)}"
