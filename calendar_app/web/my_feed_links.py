""""Đường dẫn lịch riêng của tôi": a signed-in editor's personal feed links (create, list, revoke)."""

from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from ..db import get_db, write_transaction
from ..errors import ValidationFailed
from ..links import feed_links, personal_feed_path
from ..repositories import feed_links as links_repository
from ..repositories import organizations
from ..repositories.organizations import ids_for_slugs
from ..schemas.access import FeedLinkInSchema
from .blueprint import actor, bp, current_user, editor_required
from .i18n import gettext as _


def _owner() -> str:
    return f"user:{current_user()['id']}"


def _page(created: dict | None = None, errors: dict | None = None, values: dict | None = None, status: int = 200):
    db = get_db()
    return render_template("my_feed_links.html", links=links_repository.list_links(db, _owner()), created=created,
                           errors=errors or {}, values=values or {"organizations": []},
                           all_organizations=organizations.list_organizations(db, limit=500)[0]), status


@bp.route("/me/feed-links")
@editor_required
def my_feed_links():
    """The editor's personal feed links, and a form for a new one."""
    return _page()


@bp.route("/me/feed-links", methods=["POST"])
@editor_required
def my_feed_link_create():
    """Create a link and show its URL once."""
    values = {"name": request.form.get("name", ""), "organizations": request.form.getlist("organizations")}
    db = get_db()
    try:
        data = FeedLinkInSchema().load(values)
        with write_transaction(db):
            ids = ids_for_slugs(db, data["organizations"], "organizations")
            record, secret = links_repository.create(db, _owner(), data["name"], list(ids.values()), actor())
    except ValidationError as error:
        return _page(errors=error.messages, values=values, status=422)
    except ValidationFailed as error:
        return _page(errors=error.errors, values=values, status=422)
    return _page(created={**record, "feeds": feed_links(personal_feed_path(secret))}, status=201)


@bp.route("/me/feed-links/<int:link_id>/revoke", methods=["POST"])
@editor_required
def my_feed_link_revoke(link_id):
    """Revoke a link at once."""
    db = get_db()
    with write_transaction(db):
        link = links_repository.revoke(db, _owner(), link_id, actor())
    flash(_("The link “{name}” no longer works.", name=link["name"]))
    return redirect(url_for("web.my_feed_links"))
