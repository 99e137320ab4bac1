"""The query arguments a feed URL may carry, checked and normalised into one hashable value."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from icalendar import vDuration

from ..errors import BadRequest
from ..schemas.common import SLUG_PATTERN, check_year, list_items
from ..schemas.events import EVENT_KINDS

MAX_ALARM = timedelta(days=28)
MAX_ORGANIZATIONS = 50
LANGUAGES = ("vi", "en")  # of the ?prefix=1 labels (ical_builder.STATUS_PREFIXES)
DEFAULT_LANGUAGE = "vi"
LIST_ARGUMENTS = frozenset({"kind", "organizations"})  # kind=a&kind=b means kind=a,b
_DURATION = re.compile(r"^[+-]?P(?:\d+W|(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?)$")


@dataclass(frozen=True)
class FeedParams:
    """What a subscriber asked for; equal params give equal feeds (the cache key relies on it)."""

    kinds: tuple[str, ...] = ()
    hide_cancelled: bool = False
    hide_tentative: bool = False
    alarm: timedelta | None = None
    since: date | None = None
    include_children: bool = False
    organizations: tuple[str, ...] = ()
    prefix: str | None = None  # ?prefix=1: the language of the status labels written before SUMMARY
    expand: bool = False  # ?expand=1: every occurrence in the window as a VEVENT of its own
    obligations: bool = False  # ?obligations=1: open obligation periods as all-day events

    def key(self) -> str:
        """A canonical text of the params for cache keys, ETags and calendar ids."""
        parts = [
            ",".join(self.kinds), str(int(self.hide_cancelled)), str(int(self.hide_tentative)),
            "" if self.alarm is None else str(int(self.alarm.total_seconds())),
            self.since.isoformat() if self.since else "", str(int(self.include_children)),
            ",".join(self.organizations),
        ]
        # Only when asked for: the calendar ids of the feeds that existed before them stay the same.
        if self.prefix or self.expand:
            parts += [self.prefix or "", str(int(self.expand))]
        if self.obligations:
            parts.append("obligations")
        return "|".join(parts)

    @property
    def hidden_statuses(self) -> frozenset[str]:
        """The statuses left out, for whole events and for single occurrences alike."""
        return frozenset(status for status, hide in (("cancelled", self.hide_cancelled),
                                                     ("tentative", self.hide_tentative)) if hide)

    @property
    def narrowed(self) -> bool:
        """Whether the feed is a filtered view (a different calendar for clients)."""
        return self != FeedParams(organizations=self.organizations, include_children=self.include_children)


def parse(args, allow_organizations: bool = False) -> FeedParams:
    """Check every argument, reporting all problems at once as a 400 with per-argument messages."""
    errors: dict[str, list[str]] = {}
    values = {}
    for name, parser in (("kind", _kinds), ("cancelled", _hide), ("tentative", _hide), ("alarm", _alarm),
                         ("since", _since), ("include", _include), ("prefix", _flag), ("expand", _flag),
                         ("obligations", _flag)):
        raw = _all(args, name) if name in LIST_ARGUMENTS else args.get(name)
        if raw is None or raw == []:
            continue
        try:
            values[name] = parser(raw)
        except ValueError as error:
            errors[name] = [str(error)]
    if values.get("prefix") and "lang" in args:  # without prefix=1, lang= is not the feed's business
        try:
            values["lang"] = _language(args.get("lang"))
        except ValueError as error:
            errors["lang"] = [str(error)]
    if "organizations" in args:
        if not allow_organizations:
            errors["organizations"] = ["Only /feeds/all.ics combines organizations."]
        else:
            try:
                values["organizations"] = _organizations(_all(args, "organizations"))
            except ValueError as error:
                errors["organizations"] = [str(error)]
    if errors:
        raise BadRequest("Invalid feed arguments: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()),
                         errors)
    return FeedParams(
        kinds=values.get("kind", ()),
        hide_cancelled=values.get("cancelled", False),
        hide_tentative=values.get("tentative", False),
        alarm=values.get("alarm"),
        since=values.get("since"),
        include_children=values.get("include", False),
        organizations=values.get("organizations", ()),
        # lang= names the labels' language and matters only with them (a page's ?lang=en link stays one feed).
        prefix=values.get("lang", DEFAULT_LANGUAGE) if values.get("prefix") else None,
        expand=values.get("expand", False),
        obligations=values.get("obligations", False),
    )


def _all(args, name: str) -> list[str]:
    """Every value of a repeated argument; a plain dict (pages build the options as one) holds at most one."""
    if hasattr(args, "getlist"):
        return args.getlist(name)
    return [args[name]] if args.get(name) is not None else []


def _kinds(raw: list[str]) -> tuple[str, ...]:
    items = sorted(set(list_items(raw)))
    unknown = [item for item in items if item not in EVENT_KINDS]
    if unknown or not items:
        raise ValueError(f"Unknown kind(s): {', '.join(unknown) or '(empty)'}. Use any of: {', '.join(EVENT_KINDS)}.")
    return tuple(items)


def _hide(raw: str) -> bool:
    if raw not in ("hide", "show"):
        raise ValueError("Use 'hide' (or 'show', the default).")
    return raw == "hide"


def _alarm(raw: str) -> timedelta:
    text = raw.strip().upper()
    if not _DURATION.match(text) or text.lstrip("+-") in ("P", "PT"):
        raise ValueError("Not an ISO 8601 duration such as P1D, PT2H or PT30M.")
    value = abs(vDuration.from_ical(text))  # the reminder is always before the start
    if value > MAX_ALARM:
        raise ValueError("At most 28 days (P4W) before the start.")
    return value


def _since(raw: str) -> date:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValueError("Not a date (YYYY-MM-DD).") from None
    if len(raw) != 10:
        raise ValueError("Not a date (YYYY-MM-DD).")
    try:
        check_year(day)
    except Exception as error:  # marshmallow's ValidationError, reported as text
        raise ValueError(str(getattr(error, "messages", [error])[0])) from None
    return day


def _flag(raw: str) -> bool:
    if raw not in ("1", "0"):
        raise ValueError("Use 1 (or 0, the default).")
    return raw == "1"


def _language(raw: str) -> str:
    if raw not in LANGUAGES:
        raise ValueError(f"Use one of: {', '.join(LANGUAGES)}.")
    return raw


def _include(raw: str) -> bool:
    if raw != "children":
        raise ValueError("The only value is 'children'.")
    return True


def _organizations(raw: list[str]) -> tuple[str, ...]:
    items = sorted(set(list_items(raw)))
    bad = [item for item in items if not SLUG_PATTERN.match(item)]
    if bad or not items:
        raise ValueError("Give organization slugs separated by commas.")
    if len(items) > MAX_ORGANIZATIONS:
        raise ValueError(f"At most {MAX_ORGANIZATIONS} organizations.")
    return tuple(items)
