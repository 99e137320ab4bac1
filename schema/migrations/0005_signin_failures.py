"""Failed sign-ins, shared by every server process so the limit holds across gunicorn workers."""


def migrate(db):
    """Create the failure log, looked up by key and pruned by time."""
    db["signin_failures"].create({"id": int, "key": str, "at": float}, pk="id", not_null=["key", "at"])
    db["signin_failures"].create_index(["key", "at"])
    db["signin_failures"].create_index(["at"])
