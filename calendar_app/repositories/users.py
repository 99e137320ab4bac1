"""Editor accounts for the web pages, with werkzeug password hashes."""

from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import now_stored
from ..errors import ConflictError


def create(db, username: str, password: str, display_name: str | None = None) -> dict:
    """Create an editor; refuses a username already taken."""
    if db.execute("select 1 from users where username = ?", [username]).fetchone():
        raise ConflictError(f"User '{username}' already exists.")
    user_id = db["users"].insert({
        "username": username, "password_hash": generate_password_hash(password),
        "display_name": display_name or username, "created_at": now_stored(),
    }).last_pk
    return {"id": user_id, "username": username, "display_name": display_name or username}


def authenticate(db, username: str, password: str) -> dict | None:
    """Return the user when the password matches (same work whether or not the user exists)."""
    rows = list(db.query("select * from users where username = ?", [username]))
    stored = rows[0]["password_hash"] if rows else _DUMMY_HASH
    if check_password_hash(stored, password) and rows:
        return {"id": rows[0]["id"], "username": rows[0]["username"], "display_name": rows[0]["display_name"]}
    return None


def get(db, user_id: int) -> dict | None:
    rows = list(db.query("select id, username, display_name from users where id = ?", [user_id]))
    return rows[0] if rows else None


_DUMMY_HASH = generate_password_hash("not-a-real-password")
