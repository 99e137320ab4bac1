"""The follow-up's "today" and its settings, read from the app (the pure periods module takes them as arguments)."""

from datetime import date

from flask import current_app

from ..clock import utc_now
from .periods import local_today


def follow_up_today() -> date:
    """Today in the app's zone (DEFAULT_TIMEZONE): periods fall due on local days."""
    return local_today(utc_now(), current_app.config["DEFAULT_TIMEZONE"])


def expiring_days() -> int:
    """How close to its end a term counts as ending soon (FOLLOW_UP_EXPIRING_DAYS)."""
    return current_app.config["FOLLOW_UP_EXPIRING_DAYS"]
