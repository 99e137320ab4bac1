"""The pages' blueprint and what every page view shares: the signed-in editor and the sign-in guard."""

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, request, session, url_for

from ..db import get_db
from ..repositories import users

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assets")  # the app keeps /static


def current_user() -> dict | None:
    """The signed-in editor, or None (also for a session ended by sign-out, a new password or a disabled account)."""
    if "web_user" not in g:
        user_id = session.get("user_id")
        g.web_user = (users.for_session(get_db(), user_id, session.get("session_version"))
                      if user_id is not None else None)
    return g.web_user


def actor() -> str:
    """How the audit trail names the signed-in editor (as auth.current_identity does)."""
    return f"user:{current_user()['username']}"


def editor_required(view):
    """Send visitors who are not signed in to the sign-in page, and back here afterwards."""
    @wraps(view)
    def wrapped(**kwargs):
        if current_user() is None:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)
    return wrapped


def safe_next(target: str | None) -> str:
    """A local path to return to after sign-in; anything pointing elsewhere goes home."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("web.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("web.home")
    return target
