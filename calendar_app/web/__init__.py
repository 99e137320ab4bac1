"""Server-rendered pages and the forms staff use to add events."""

from datetime import date

from flask import g, request, url_for
from flask_wtf.csrf import CSRFError

from ..errors import render_pages_with, wants_html
from ..links import with_query
from . import i18n, security
from .blueprint import bp, current_user
from .embed import iframe_snippet
from .errors import api_error_page, http_error_page
from .i18n import (current_language, format_count, format_date, format_datetime, format_day, gettext,
                   remember_language, weekday_heads)
from .date_entry import names_json, readback
from .days import day_facts
from .labels import choices, label, status_mark


def language_url(language: str) -> str:
    """This page in another language (the choice is then kept in a cookie)."""
    path = url_for(request.endpoint or "web.home", **(request.view_args or {}))
    return with_query(path, request.args.items(multi=True), lang=language)


def page_context() -> dict:
    """What every template may use: the language, the signed-in editor, the words for codes."""
    user = None if g.get("rendering_error") else current_user()
    return {"language": current_language(), "user": user, "language_url": language_url}


def csrf_error(error: CSRFError):
    """A refused form (missing or stale CSRF token) as a page; nothing outside pages raises it."""
    return http_error_page(error) if wants_html() else (error.description, 400)


def init_app(app) -> None:
    """Register the pages, their CSRF protection, headers, language and error pages."""
    # Each adds its routes to bp.
    from . import (account, editing, event_actions, followup, holiday_pages, my_feed_links,  # noqa: F401
                   occurrence_actions, pages, search, subscribe, week)

    i18n.init_app(app)
    security.init_app(app)
    app.register_blueprint(bp)
    app.register_error_handler(CSRFError, csrf_error)
    render_pages_with(app, http_error_page, api_error_page)
    app.after_request(remember_language)
    app.context_processor(page_context)
    app.jinja_env.globals.update(_=gettext, label=label, choices=choices, weekday_heads=weekday_heads,
                                 day_facts=day_facts, status_mark=status_mark,
                                 date_names=names_json, iframe_snippet=iframe_snippet)
    app.jinja_env.filters.update(vdate=format_date, vday=format_day, vdatetime=format_datetime, vcount=format_count, readback=readback, isodate=date.fromisoformat,
                                 zip=lambda left, right: list(zip(left, right)))
