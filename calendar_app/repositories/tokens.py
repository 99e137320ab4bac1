"""API tokens: shown once, stored as a hash, looked up by id and compared in constant time."""

import hashlib
import hmac
import json
import secrets
from datetime import timedelta

from ..clock import from_stored, now_stored, to_stored, utc_now
from ..errors import NotFoundError
from ..transactions import write_transaction
from . import audit

PREFIX = "cal"
SCOPES = ("read", "write")


def _hash(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is enough: no dictionary to attack.
    return hashlib.sha256(secret.encode()).hexdigest()


def create(db, name: str, scope: str = "write", organizations: list[str] | None = None,
           expires_in_days: int | None = 365, actor: str = "system") -> tuple[dict, str]:
    """Store a new token and return (its record, the plain token to show once)."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}")
    secret = secrets.token_urlsafe(32)
    expires_at = to_stored(utc_now() + timedelta(days=expires_in_days)) if expires_in_days else None
    token_id = db["api_tokens"].insert({
        "name": name, "secret_hash": _hash(secret), "scope": scope,
        "organizations": json.dumps(organizations) if organizations is not None else None,
        "created_at": now_stored(), "expires_at": expires_at,
    }).last_pk
    record = get(db, token_id)
    audit.record(db, actor, "token", token_id, name, "create", None, record)
    return record, f"{PREFIX}_{token_id}_{secret}"


def _represent(row: dict) -> dict:
    return {
        "id": row["id"], "name": row["name"], "scope": row["scope"],
        "organizations": json.loads(row["organizations"]) if row["organizations"] else None,
        "created_at": row["created_at"], "expires_at": row["expires_at"],
        "revoked_at": row["revoked_at"], "last_used_at": row["last_used_at"],
    }


def get(db, token_id: int) -> dict:
    rows = list(db.query("select * from api_tokens where id = ?", [token_id]))
    if not rows:
        raise NotFoundError(f"No token with id {token_id}.")
    return _represent(rows[0])


def list_tokens(db) -> list[dict]:
    """Every token, newest first, without secrets."""
    return [_represent(r) for r in db.query("select * from api_tokens order by id desc")]


def follow_organization(db, old_slug: str, new_slug: str | None, actor: str) -> None:
    """Keep tokens limited to an organization on it when its slug changes, or off it when it is deleted.

    Tokens name organizations by slug; left on the old one, a token would take over any new
    organization later given that slug. A token left with no organization reads and changes
    nothing internal (an empty list is never "all"). The caller holds the transaction.
    """
    rows = db.execute("select id, organizations from api_tokens where organizations is not null").fetchall()
    for token_id, stored in rows:
        slugs = json.loads(stored)
        if old_slug in slugs:
            before = get(db, token_id)
            kept = [new_slug if s == old_slug else s for s in slugs if s != old_slug or new_slug]
            db.execute("update api_tokens set organizations = ? where id = ?", [json.dumps(kept), token_id])
            audit.record(db, actor, "token", token_id, before["name"], "update", before, get(db, token_id))


def revoke(db, token_id: int, actor: str = "system") -> dict:
    """Revoke a token at once."""
    before = get(db, token_id)
    db["api_tokens"].update(token_id, {"revoked_at": now_stored()})
    after = get(db, token_id)
    audit.record(db, actor, "token", token_id, before["name"], "revoke", before, after)
    return after


def verify(db, presented: str) -> dict | None:
    """Return the token's record when the presented value is valid, unexpired and unrevoked."""
    parts = presented.split("_", 2)
    # ASCII digits within SQLite's INTEGER range: "²" or a 30-digit id must be a 401, not a 500.
    if (len(parts) != 3 or parts[0] != PREFIX or not (parts[1].isascii() and parts[1].isdigit())
            or int(parts[1]) > 2**63 - 1):
        return None
    rows = list(db.query("select * from api_tokens where id = ?", [int(parts[1])]))
    if not rows or not hmac.compare_digest(rows[0]["secret_hash"], _hash(parts[2])):
        return None
    row = rows[0]
    now = now_stored()
    if row["revoked_at"] or (row["expires_at"] and row["expires_at"] <= now):
        return None
    if use_due(row["last_used_at"], now):
        row["last_used_at"] = now
        record_use(db, "api_tokens", row["id"], now)
    return _represent(row)


USE_RECORD_INTERVAL = timedelta(hours=1)


def use_due(last_used_at: str | None, now: str) -> bool:
    """Record use at most hourly: enough to spot unused tokens, without a write per request."""
    return last_used_at is None or from_stored(last_used_at) + USE_RECORD_INTERVAL <= from_stored(now)


def record_use(db, table: str, row_id: int, now: str) -> None:
    """Note a credential's use (API tokens, personal feed links) in its own short transaction."""
    with write_transaction(db):
        db.execute(f"update {table} set last_used_at = ? where id = ?", [now, row_id])
