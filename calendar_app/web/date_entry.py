"""Date and time entry that does not depend on the browser's locale: a read-back in the page's language.

Chromium shows a native date field in the operating system's format (05/03 may be March or May);
next to each field the page says the chosen moment in words ("Thứ Sáu, 15/01/2027 08:30") on the
server and, as it changes, in app.js from the weekday and month names given here (Babel's, in the
page's language), so the read-back never takes the browser's locale either.
"""

import json
from datetime import date, datetime

from babel.dates import get_day_names, get_month_names

from .i18n import current_language, format_date, format_datetime


def readback(value: str | None) -> str:
    """A form value ('2027-01-15T08:30' or '2027-01-15') in words; '' when it is empty or unreadable."""
    try:
        if value and "T" in value:
            return format_datetime(datetime.fromisoformat(value))
        return format_date(date.fromisoformat(value)) if value else ""
    except ValueError:
        return ""


def names_json() -> str:
    """The weekday (Monday first) and month names app.js needs for the live read-back, as JSON."""
    language = current_language()
    days = get_day_names("wide", locale=language)
    months = get_month_names("wide", locale=language)
    return json.dumps({"language": language, "weekdays": [days[i] for i in range(7)],
                       "months": [months[i] for i in range(1, 13)]}, ensure_ascii=False)
