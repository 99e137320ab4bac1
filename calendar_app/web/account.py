"""Sign-in and sign-out for editors, with limits on attempts per address and username."""

from flask import current_app, flash, redirect, render_template, request, session, url_for

from ..db import get_db, write_transaction
from ..repositories import users
from .blueprint import bp, current_user, safe_next
from .i18n import gettext as _
from .ratelimit import Refusal, limiter_for


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; sign in an editor whose password matches."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next_url=next_url, username="", error=None)
    username = (request.form.get("username") or "").strip()
    db = get_db()
    admitted = limiter_for(current_app).admit(db, username, request.remote_addr)
    if isinstance(admitted, Refusal):
        if admitted.reason == "address":
            error = _("Too many failed sign-ins from your address. Wait {minutes} minutes and try again.",
                      minutes=max(1, admitted.retry_after // 60))
        else:
            error = _("Too many attempts for this username. Wait {seconds} seconds and try again.",
                      seconds=admitted.retry_after)
        page = render_template("login.html", next_url=next_url, username=username, error=error)
        return page, 429, {"Retry-After": str(admitted.retry_after)}
    # The attempt is already counted: a failure needs no second write, so parallel ones cannot overtake it.
    user = users.authenticate(db, username, request.form.get("password") or "")
    if user is None:
        error = _("The username or the password is wrong.")
        return render_template("login.html", next_url=next_url, username=username, error=error), 401
    limiter_for(current_app).succeeded(db, username)
    session.clear()  # a fresh session: no fixation of a pre-sign-in session
    session["user_id"] = user["id"]
    session["session_version"] = users.session_version(db, user["id"])
    flash(_("Signed in as {name}.", name=user["display_name"]))
    return redirect(next_url)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (a POST with a CSRF token, so other sites cannot sign editors out), ending every session."""
    user = current_user()
    if user is not None:
        db = get_db()
        with write_transaction(db):  # a copy of this cookie (another tab, a thief) stops working too
            users.end_sessions(db, user["id"])
    session.clear()
    flash(_("You are signed out."))
    return redirect(url_for("web.home"))
