"""Sign-in and sign-out for editors, with a limit on failed attempts."""

from flask import current_app, flash, redirect, render_template, request, session, url_for

from ..db import get_db
from ..repositories import users
from .blueprint import bp, safe_next
from .i18n import gettext as _
from .ratelimit import limiter_for, limiter_key


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; sign in an editor whose password matches."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next_url=next_url, username="", error=None)
    username = (request.form.get("username") or "").strip()
    key = limiter_key(username, request.remote_addr)
    limiter = limiter_for(current_app)
    db = get_db()
    if limiter.blocked(db, key):
        minutes = int(current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"] // 60)
        error = _("Too many failed sign-ins. Wait {minutes} minutes and try again.", minutes=minutes)
        return render_template("login.html", next_url=next_url, username=username, error=error), 429
    user = users.authenticate(db, username, request.form.get("password") or "")
    if user is None:
        limiter.record_failure(db, key)
        error = _("The username or the password is wrong.")
        return render_template("login.html", next_url=next_url, username=username, error=error), 401
    limiter.reset(db, key)
    session.clear()  # a fresh session: no fixation of a pre-sign-in session
    session["user_id"] = user["id"]
    flash(_("Signed in as {name}.", name=user["display_name"]))
    return redirect(next_url)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (a POST with a CSRF token, so other sites cannot sign editors out)."""
    session.clear()
    flash(_("You are signed out."))
    return redirect(url_for("web.home"))
