"""/feeds/personal/<id>-<secret>.ics: a personal feed link's calendar (repositories/feed_links.py).

Never repeated by the shortcut (by_url=False): a revoked link must answer 404 on the very next
request, and revoking moves no feed version the shortcut could notice.
"""

from flask import request

from ..db import get_db
from ..errors import NotFoundError
from ..repositories import feed_links, feed_versions
from . import window
from .params import parse
from .routes import Target, _meta, _serve, _window_selection, bp


@bp.get("/feeds/personal/<secret>.ics")
def personal_feed(secret: str):
    """The public and internal events of a personal link's organizations, while the link and its owner live."""
    params = parse(request.args)
    db = get_db()
    found = feed_links.resolve(db, secret)
    if found is None or not found[1]:
        raise NotFoundError("No such feed.")
    link, ids, allowed = found
    if params.include_children:
        ids = [i for i in feed_versions.descendants(db, ids) if allowed is True or i in allowed]
    scopes = tuple(feed_versions.scope("organization", i) for i in sorted(ids))
    stamps = feed_versions.stamps(db, scopes)
    day = window.today()
    title = f"Lịch riêng — {link['name']}"
    return _serve(Target(
        key=f"personal:{link['id']}:" + ",".join(map(str, sorted(ids))), scopes=scopes,
        versions=tuple(stamps[s].version for s in scopes), changed_at=[stamps[s].changed_at for s in scopes],
        filename="personal.ics", private=True, windowed=True, by_url=False,
        meta=lambda: _meta(title, "Đường dẫn lịch riêng", f"personal-{link['id']}", params),
        selection=lambda: _window_selection(params, day, organization_ids=tuple(sorted(ids)), include_internal=True)),
        params, day)
