"""Editor accounts for the web pages, with werkzeug password hashes and server-side revocable sessions.

A session cookie names the user and the user's session_version when it was made; signing out,
a new password or disabling the account bumps the version, so every cookie made before is dead,
wherever it was copied to (a signed cookie cannot be taken back otherwise).
"""

from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import now_stored
from ..errors import ConflictError, NotFoundError, ValidationFailed

MAX_USERNAME_LENGTH = 100


def check_username(username: str) -> list[str]:
    """Problems with a username; the sign-in form trims what is typed, so spaces around it could never match."""
    if not username or not username.strip():
        return ["A username is required."]
    problems = []
    if username != username.strip():
        problems.append("No spaces before or after the username.")
    if len(username) > MAX_USERNAME_LENGTH:
        problems.append(f"At most {MAX_USERNAME_LENGTH} characters.")
    if not username.isprintable():
        problems.append("No control or line-breaking characters.")
    return problems


def check_password(password: str, min_length: int) -> list[str]:
    return [f"At least {min_length} characters."] if len(password or "") < min_length else []


def create(db, username: str, password: str, display_name: str | None = None, min_length: int = 12) -> dict:
    """Create an editor; refuses a username already taken, an unusable username and a short password."""
    if db.execute("select 1 from users where username = ?", [username]).fetchone():
        raise ConflictError(f"User '{username}' already exists.")
    errors = {k: v for k, v in {"username": check_username(username),
                                "password": check_password(password, min_length)}.items() if v}
    if errors:
        raise ValidationFailed(errors)
    user_id = db["users"].insert({
        "username": username, "password_hash": generate_password_hash(password),
        "display_name": display_name or username, "created_at": now_stored(), "session_version": 0,
    }).last_pk
    return {"id": user_id, "username": username, "display_name": display_name or username}


def authenticate(db, username: str, password: str) -> dict | None:
    """Return the user when the password matches (same work whether or not the user exists or is disabled)."""
    rows = list(db.query("select * from users where username = ?", [username]))
    stored = rows[0]["password_hash"] if rows else _DUMMY_HASH
    if check_password_hash(stored, password) and rows and rows[0]["disabled_at"] is None:
        return {"id": rows[0]["id"], "username": rows[0]["username"], "display_name": rows[0]["display_name"]}
    return None


def session_version(db, user_id: int) -> int:
    """The version a new session cookie of this user must carry."""
    return db.execute("select session_version from users where id = ?", [user_id]).fetchone()[0]


def for_session(db, user_id, session_version) -> dict | None:
    """The editor a session cookie names, or None when the account is disabled or the session was ended."""
    if user_id is None or session_version is None:
        return None
    rows = list(db.query("select id, username, display_name from users where id = ? and session_version = ? "
                         "and disabled_at is null", [user_id, session_version]))
    return rows[0] if rows else None


def end_sessions(db, user_id: int) -> None:
    """Make every session cookie of this user invalid (caller holds the write transaction)."""
    db.execute("update users set session_version = session_version + 1 where id = ?", [user_id])


def _id_of(db, username: str) -> int:
    row = db.execute("select id from users where username = ?", [username]).fetchone()
    if row is None:
        raise NotFoundError(f"No user '{username}'.")
    return row[0]


def set_password(db, username: str, password: str, min_length: int = 12) -> None:
    """Replace the password and end every session made with the old one."""
    user_id = _id_of(db, username)
    problems = check_password(password, min_length)
    if problems:
        raise ValidationFailed({"password": problems})
    db["users"].update(user_id, {"password_hash": generate_password_hash(password)})
    end_sessions(db, user_id)


def disable(db, username: str) -> None:
    """Refuse the account's sign-ins from now on and end its sessions (the row stays for the audit trail)."""
    user_id = _id_of(db, username)
    db["users"].update(user_id, {"disabled_at": now_stored()})
    end_sessions(db, user_id)


def list_users(db) -> list[dict]:
    """Every account, oldest first, without password hashes."""
    return list(db.query("select id, username, display_name, created_at, disabled_at from users order by id"))


_DUMMY_HASH = generate_password_hash("not-a-real-password")
