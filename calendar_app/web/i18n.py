"""The interface language (Vietnamese by default, English on request): Flask-Babel's catalogs, Babel's dates."""

from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date as babel_format_date
from babel.dates import get_day_names
from babel.numbers import format_decimal
from flask import g, request
from flask_babel import Babel
from flask_babel import gettext as catalog_gettext

from .catalog import compile_catalogs

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

# Babel patterns; the words (weekdays, months) come from Babel's locale data. Vietnamese keeps
# dd/mm/yyyy; English spells the month out, so 05/03 can never be read as 3 May.
PATTERNS = {
    "vi": {"date": "EEEE, dd/MM/yyyy", "day": "dd/MM/yyyy", "month": "'Tháng' M/y"},
    "en": {"date": "EEEE, d MMMM y", "day": "d MMMM y", "month": "LLLL y"},
}
# Column heads of the month grid: Babel's vi "short" is T2…CN; its en "short" is Mo, Tu…, so English uses Mon.
WEEKDAY_HEAD_WIDTH = {"vi": "short", "en": "abbreviated"}


def N_(message: str) -> str:
    """Mark a message for pybabel extraction where it is defined; it is translated where it is shown."""
    return message


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


def init_app(app) -> None:
    """Compile the catalogs if needed and let Flask-Babel pick the request's language."""
    compile_catalogs(TRANSLATIONS)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    # configure_jinja=False: templates keep the `_` below ({placeholder} style), not Jinja's i18n one.
    Babel(configure_jinja=False).init_app(app, default_locale=DEFAULT_LANGUAGE, locale_selector=current_language)


def gettext(message: str, **values) -> str:
    """Translate an English message into the interface language and fill in its {placeholders}."""
    text = catalog_gettext(message)  # without values Flask-Babel does no %-formatting
    return text.format(**values) if values else text


def _pattern(kind: str) -> str:
    return PATTERNS[current_language()][kind]


def format_date(value: date) -> str:
    """'Thứ Năm, 05/03/2020' (English: 'Thursday, 5 March 2020')."""
    return babel_format_date(value, _pattern("date"), locale=current_language())


def format_day(value: date) -> str:
    """A date without its weekday: '05/03/2020' (English: '5 March 2020')."""
    return babel_format_date(value, _pattern("day"), locale=current_language())


def format_datetime(value: datetime) -> str:
    """'Thứ Năm, 05/03/2020 14:00' in the value's own zone (24-hour clock in both languages)."""
    return f"{format_date(value.date())} {value:%H:%M}"


def format_count(value: int) -> str:
    """A count with the language's digit grouping: '1.000' (English: '1,000')."""
    return format_decimal(value, locale=current_language())


def format_month(year: int, month: int) -> str:
    """'Tháng 3/2020' or 'March 2020'."""
    return babel_format_date(date(year, month, 1), _pattern("month"), locale=current_language())


def weekday_heads() -> list[tuple[str, str]]:
    """(short, full) weekday names from Monday, for the month grid's column heads."""
    language = current_language()
    short = get_day_names(WEEKDAY_HEAD_WIDTH[language], locale=language)
    full = get_day_names("wide", locale=language)
    return [(short[n], full[n]) for n in range(7)]


def format_span(start: datetime | date, end: datetime | date) -> str:
    """An occurrence's time: one day with its hours, or first and last day."""
    if isinstance(start, datetime):
        if start.date() == end.date():
            return f"{format_datetime(start)} – {end:%H:%M}"
        return f"{format_datetime(start)} – {format_datetime(end)}"
    if start == end:
        return format_date(start)
    return f"{format_date(start)} – {format_date(end)}"
