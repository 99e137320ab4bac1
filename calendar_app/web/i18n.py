"""The interface language (Vietnamese by default, English on request) and Vietnamese-style dates."""

from datetime import date, datetime

from flask import g, request

from .messages_vi import VI

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

WEEKDAYS = {
    "vi": ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
SHORT_WEEKDAYS = {
    "vi": ("T2", "T3", "T4", "T5", "T6", "T7", "CN"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


def current_language() -> str:
    """The request's language: ?lang=, then the cookie, then Vietnamese."""
    if "language" not in g:
        asked = request.args.get("lang")
        g.language_changed = asked in LANGUAGES
        g.language = asked if asked in LANGUAGES else request.cookies.get(COOKIE)
        if g.language not in LANGUAGES:
            g.language = DEFAULT_LANGUAGE
    return g.language


def remember_language(response):
    """Keep a language chosen with ?lang= in a cookie for the next pages."""
    if g.get("language_changed"):
        response.set_cookie(COOKIE, g.language, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


def gettext(message: str, **values) -> str:
    """Translate an English message into the interface language and fill in its {placeholders}."""
    text = VI.get(message, message) if current_language() == "vi" else message
    return text.format(**values) if values else text


def format_date(value: date) -> str:
    """'Thứ năm, 05/03/2020' (English: 'Thursday, 05/03/2020')."""
    return f"{WEEKDAYS[current_language()][value.weekday()]}, {value:%d/%m/%Y}"


def format_datetime(value: datetime) -> str:
    """'Thứ năm, 05/03/2020 14:00' in the value's own zone."""
    return f"{format_date(value)} {value:%H:%M}"


def format_month(year: int, month: int) -> str:
    """'Tháng 3/2020' or 'March 2020'."""
    if current_language() == "vi":
        return f"Tháng {month}/{year}"
    return f"{MONTHS_EN[month - 1]} {year}"


def format_span(start: datetime | date, end: datetime | date) -> str:
    """An occurrence's time: one day with its hours, or first and last day."""
    if isinstance(start, datetime):
        if start.date() == end.date():
            return f"{format_datetime(start)} – {end:%H:%M}"
        return f"{format_datetime(start)} – {format_datetime(end)}"
    if start == end:
        return format_date(start)
    return f"{format_date(start)} – {format_date(end)}"
