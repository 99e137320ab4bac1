"""/feeds/holidays.ics: the office's days off and weekend working days, for every calendar client."""

from datetime import date, timedelta

from flask import Response, current_app, request
from werkzeug.http import http_date

from .. import validators
from ..clock import from_stored
from ..db import get_db
from ..repositories import feed_rows, feed_versions, holidays
from . import window
from .holiday_ical import holidays_to_ical
from .ical_builder import CalendarMeta
from .routes import CONTENT_TYPE, UID_DOMAIN, bp

YEARS_BACK = 1  # last year's days too: clients keep the past they already showed


@bp.get("/feeds/holidays.ics")
def holidays_feed():
    """Every holiday from last January on; 304 while the holidays are unchanged (their own scope)."""
    db = get_db()
    stamp = feed_rows.scope_head(db, feed_versions.public(feed_versions.HOLIDAYS))
    first = date(window.today().year - YEARS_BACK, 1, 1)
    etag = validators.etag("holidays", first, stamp.version, stamp.changed_at)
    # Seeded rows were written by the migration, before any version moved: their own time counts too.
    newest = db.execute("select max(updated_at) from holidays").fetchone()[0]
    last_modified = max(from_stored(t) for t in (stamp.changed_at, newest, "2020-01-01T00:00:00Z") if t)
    config = current_app.config
    headers = {"ETag": etag, "Last-Modified": http_date(last_modified),
               "Cache-Control": validators.cache_control(config, False)}
    if validators.not_modified(request.environ, etag, last_modified):
        return Response(status=304, headers=headers, mimetype="text/calendar")
    meta = CalendarMeta(name="Ngày nghỉ lễ, Tết", description="Ngày lễ, Tết, nghỉ bù và ngày làm bù",
                        relcalid=f"holidays@{UID_DOMAIN}", refresh=timedelta(seconds=config["FEED_REFRESH_SECONDS"]),
                        timezone=config["DEFAULT_TIMEZONE"])
    body = holidays_to_ical(meta, holidays.between(db, first, date(9999, 12, 31)))
    headers["Content-Disposition"] = 'inline; filename="holidays.ics"'
    return Response(body, status=200, headers=headers, content_type=CONTENT_TYPE)
