"""ETags on the API's lists: computed from the versions feed_versions.py keeps, never from the body.

A portal polling `/api/v1/events?organization=…` sends If-None-Match and hears 304 until a write
moves one of the scopes its caller may see. The ETag names the URL (host included: "next" and
"ics_url" are absolute), what the caller may read (anonymous, every organization, or a token's
few: their validators are never shared), the versions and change times of the caller's scopes
(feed_versions.reader_scopes) and the settings that shape a list. The versions are read before
the body is computed (and before the list cache reads its own), so an ETag never names data newer
than the body it is sent with.
"""

from datetime import datetime, timezone

from flask import Response, current_app, g, request
from werkzeug.http import http_date

from .. import validators
from ..auth import readable_internal
from ..clock import from_stored
from ..db import get_db
from ..errors import ApiError
from ..repositories import feed_versions

LISTS = frozenset({"events.Events", "events.Occurrences", "events.OrganizationEvents", "events.AgreementEvents",
                   "organizations.Organizations", "agreements.Agreements"})
# Besides the data and the URL, what shapes a list's body.
LIST_SETTINGS = ("PUBLIC_BASE_URL", "LIST_LIMIT_DEFAULT", "LIST_LIMIT_MAX", "DEFAULT_TIMEZONE")
NEVER_WRITTEN = datetime(2000, 1, 1, tzinfo=timezone.utc)


def list_validators(readable) -> tuple[str, datetime]:
    """(ETag, Last-Modified) of the requested list for a caller who may read `readable`."""
    db = get_db()
    stamps = feed_versions.stamps(db, feed_versions.reader_scopes(db, readable)).values()
    environ = request.environ
    tag = validators.etag("list", environ["wsgi.url_scheme"], request.host, environ.get("SCRIPT_NAME", ""),
                          environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), readable,
                          # changed_at too: after a restore from a backup, new writes may repeat version numbers.
                          *((s.scope, s.version, s.changed_at) for s in stamps),
                          *(current_app.config[name] for name in LIST_SETTINGS))
    moments = [from_stored(s.changed_at) for s in stamps if s.changed_at]
    return tag, max(moments, default=NEVER_WRITTEN)


def _answer_not_modified():
    """304 when the caller's copy is current; otherwise keep the validators for the answer."""
    if request.method not in ("GET", "HEAD") or request.endpoint not in LISTS:
        return None
    try:
        readable = readable_internal()
    except ApiError:
        return None  # a bad token: the view answers it
    tag, last_modified = list_validators(readable)
    g.list_validators = (tag, last_modified)
    if validators.not_modified(request.environ, tag, last_modified):
        return Response(status=304, headers={"ETag": tag, "Last-Modified": http_date(last_modified)},
                        mimetype="application/json")
    return None


def _add_validators(response: Response) -> Response:
    found = g.pop("list_validators", None)
    if found is not None and response.status_code == 200:
        response.headers["ETag"], response.headers["Last-Modified"] = found[0], http_date(found[1])
    return response


def init_app(app) -> None:
    """Register before the list cache: its version read then never precedes ours."""
    app.before_request(_answer_not_modified)
    app.after_request(_add_validators)
