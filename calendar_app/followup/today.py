"""The follow-up as of today, for the API and the pages: the app's zone and settings (periods.py takes them as arguments)."""

from datetime import date

from flask import current_app

from ..clock import utc_now
from ..errors import NotFoundError
from ..repositories import obligations
from .periods import local_today


def follow_up_today() -> date:
    """Today in the app's zone (DEFAULT_TIMEZONE): periods fall due on local days."""
    return local_today(utc_now(), current_app.config["DEFAULT_TIMEZONE"])


def expiring_days() -> int:
    """How close to its end a term counts as ending soon (FOLLOW_UP_EXPIRING_DAYS)."""
    return current_app.config["FOLLOW_UP_EXPIRING_DAYS"]


def follow_up(db, organization: str | None, states: list[str], internal) -> dict:
    """The follow-up view of an organization with its sub-units (or of every one): 404 for an unknown slug.

    internal is auth.readable_internal() for the API, the editor's sign-in for pages.
    """
    ids = None
    if organization:
        found = db.execute("select id from organizations where slug = ?", [organization]).fetchone()
        if found is None:
            raise NotFoundError(f"No organization with slug '{organization}'.")
        ids = (found[0],)
    today = follow_up_today()
    return {"items": obligations.periods_in_states(db, ids, states, today, internal),
            "expiring": obligations.expiring(db, ids, today, expiring_days()),
            "expired_without_successor": obligations.expired_without_successor(db, ids, today)}
