"""Instants as stored in the database: UTC text that sorts the way time does."""

from datetime import date, datetime, timezone

STORED_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


# The instant utc_now() answers instead of the system clock; set through hold() only (tests fix the time there).
_held: datetime | None = None


def utc_now() -> datetime:
    """Return the current instant, whole seconds, in UTC: every "now" and "today" of the app reads it here."""
    moment = _held if _held is not None else datetime.now(timezone.utc)
    return moment.replace(microsecond=0)


def hold(moment: datetime | None) -> None:
    """Make utc_now() answer `moment` (aware) from now on, in every thread; None gives the system clock back."""
    global _held
    if moment is not None and moment.tzinfo is None:
        raise ValueError("naive datetime cannot be held")
    _held = None if moment is None else moment.astimezone(timezone.utc)


def to_stored(moment: datetime) -> str:
    """Write an aware datetime as stored UTC text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime cannot be stored")
    return moment.astimezone(timezone.utc).strftime(STORED_FORMAT)


def from_stored(text: str | None) -> datetime | None:
    """Read stored UTC text back as an aware datetime."""
    if text is None:
        return None
    if len(text) == 20 and text[10] == "T" and text[19] == "Z":
        return datetime.fromisoformat(text)  # the same value, ten times faster than strptime
    return datetime.strptime(text, STORED_FORMAT).replace(tzinfo=timezone.utc)


def now_stored() -> str:
    """Return the current instant as stored text."""
    return to_stored(utc_now())


def date_from_stored(text: str | None) -> date | None:
    """Read a stored ISO date."""
    return date.fromisoformat(text) if text else None
