"""What every API view shares: the list envelope, ETags and the write transaction."""

import hashlib
import json
from contextlib import contextmanager

from flask import request, url_for

from ..auth import require_write
from ..db import get_db, write_transaction
from ..errors import PreconditionFailed
from ..links import absolute, with_query


def envelope(items: list, total: int, query: dict) -> dict:
    """Wrap a page as {"items", "total", "next"}; next is null on the last page."""
    offset, limit = query["offset"], query["limit"]
    next_url = None
    if offset + len(items) < total:
        path = url_for(request.endpoint, **(request.view_args or {}))
        # Behind a proxy the request's own host is not the public one: PUBLIC_BASE_URL, as for feed links.
        next_url = absolute(with_query(path, request.args.items(multi=True), offset=offset + limit, limit=limit))
    return {"items": items, "total": total, "next": next_url}


def etag_of(representation: dict) -> str:
    """A strong ETag: the quoted hash of the representation."""
    digest = hashlib.sha256(json.dumps(representation, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f'"{digest}"'


def check_if_match(current: dict) -> None:
    """Refuse a change made against a stale copy (412); no If-Match means last writer wins."""
    if request.headers.get("If-Match", "").strip() and not request.if_match:
        # A header we cannot read (e.g. '"' or ',,,') must not fall back to last-writer-wins.
        raise PreconditionFailed("If-Match holds no entity tag; send the ETag you read, in double quotes.")
    if request.if_match and not request.if_match.contains(etag_of(current).strip('"')) and not request.if_match.star_tag:
        raise PreconditionFailed("The resource changed since you read it; fetch it again (If-Match did not match).")


@contextmanager
def writing():
    """Guard a write (401/403) and run it as one transaction; yields (db, identity)."""
    identity = require_write()
    db = get_db()
    with write_transaction(db):
        yield db, identity
