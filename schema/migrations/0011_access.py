"""Sign-in attempts counted per username and per address; revocable sessions and disabled editors."""


def migrate(db):
    """Replace the failure log (its key joined username and address); add session_version and disabled_at.

    The old log only ever holds the last 15 minutes of failures: it is dropped, not converted.
    """
    db["signin_failures"].drop()
    db["signin_attempts"].create({"id": int, "username": str, "address": str, "at": float}, pk="id",
                                 not_null=["username", "address", "at"])
    db["signin_attempts"].create_index(["username", "at"])
    db["signin_attempts"].create_index(["address", "at"])
    db["signin_attempts"].create_index(["at"])
    db["users"].add_column("session_version", int, not_null_default=0)
    db["users"].add_column("disabled_at", str)
