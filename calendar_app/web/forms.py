"""Form input in the API's JSON shape, and the schemas' errors in plain words next to each field."""

import re
from datetime import date, datetime

from ..eventtime import known_timezones, zone
from ..recurrence import real_time
from ..settings import default_timezone
from ..stored_event import SCHEDULE_FIELDS
from .i18n import gettext as _

REPEATS = ("none", "weekly", "monthly", "yearly", "lunar_yearly", "custom")
FREQUENCIES = {"weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY", "lunar_yearly": "LUNAR_YEARLY"}
# The canonical rules the plain-words fields can make (normalize_rrule puts UNTIL before INTERVAL).
SIMPLE_RULE = re.compile(
    r"^FREQ=(WEEKLY|MONTHLY|YEARLY|LUNAR_YEARLY)(?:;UNTIL=([0-9]{8})(?:T([0-9]{6})Z?)?)?(?:;INTERVAL=([0-9]+))?$")


def text(form, key: str) -> str:
    """A trimmed single-line value ('' when absent)."""
    return (form.get(key) or "").strip()


def optional(form, key: str) -> str | None:
    """A trimmed value, or None when left empty."""
    return text(form, key) or None


def multiline(form, key: str) -> str | None:
    """A textarea value with browser CRLF line ends made LF, or None when empty."""
    value = (form.get(key) or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return value or None


def checked(form, key: str) -> bool:
    """Whether a checkbox was ticked."""
    return form.get(key) in ("on", "1", "true")


def put_required(payload: dict, key: str, value: str) -> None:
    """Leave an empty required field out, so the schema reports it as missing."""
    if value:
        payload[key] = value


def local_instant(value: str, tz_name: str) -> str:
    """Give a datetime-local value ('2020-03-05T14:00') the offset of the chosen zone on that day."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # the schema names what is wrong with it
    if moment.tzinfo is not None:
        return value
    tz = zone(tz_name if tz_name in known_timezones() else default_timezone())
    return moment.replace(tzinfo=tz).isoformat()


def skipped_times(form) -> dict[str, list[str]]:
    """Times on the form that a daylight-saving gap skips in the chosen zone, each with a message.

    Only the form can ask for one (the API takes offsets): 02:30 on the day Europe/Berlin skips
    02:00-03:00 reached the schema as the instant of 03:30, and the form said "end must be after start".
    """
    if form.get("all_day") in ("on", "1", "true"):
        return {}
    tz_name = text(form, "timezone") or default_timezone()
    tz = zone(tz_name if tz_name in known_timezones() else default_timezone())
    found = {}
    for key in ("starts_at", "ends_at"):
        try:
            moment = datetime.fromisoformat(text(form, key))
        except ValueError:
            continue  # empty or unreadable: the schema says so
        if moment.tzinfo is None and real_time(moment.replace(tzinfo=tz)).replace(tzinfo=None) != moment:
            found[key] = [_("{time} on {day} does not exist in {zone}: the clocks skip that hour (daylight saving time). Choose another time.",  # noqa: E501  (one literal: the translation test reads it)
                            time=moment.strftime("%H:%M"), day=moment.strftime("%d/%m/%Y"), zone=tz_name)]
    return found


def build_rrule(form) -> str | None:
    """Turn 'every N weeks/months/years until …' into an RRULE; a kept custom rule passes through."""
    repeat = form.get("repeat") or "none"
    if repeat == "custom":
        return optional(form, "rrule_custom")
    if repeat not in FREQUENCIES:
        return None
    parts = [f"FREQ={FREQUENCIES[repeat]}"]
    until = text(form, "until")
    if until:
        parts.append("UNTIL=" + until.replace("-", ""))
    interval = "1" if repeat == "lunar_yearly" else text(form, "interval") or "1"  # lunar: every year only
    if interval != "1":
        parts.append(f"INTERVAL={interval}")
    return ";".join(parts)


def event_payload(form) -> dict:
    """The JSON body the API would receive for this event form."""
    tz_name = text(form, "timezone") or default_timezone()
    all_day = checked(form, "all_day")
    payload = {
        "agreement": optional(form, "agreement"),
        "organizations": [slug for slug in form.getlist("organizations") if slug],
        "description": multiline(form, "description"),
        "location": optional(form, "location"),
        "url": optional(form, "url"),
        **{key: optional(form, key) for key in SCHEDULE_FIELDS},
        "emphasis": checked(form, "emphasis"),
        "status": text(form, "status") or "confirmed",
        "visibility": text(form, "visibility") or "public",
        "all_day": all_day,
        "timezone": tz_name,
    }
    put_required(payload, "title", text(form, "title"))
    put_required(payload, "kind", text(form, "kind"))
    if all_day:
        payload["start_date"] = optional(form, "start_date")
        payload["end_date"] = optional(form, "end_date")
    else:
        for key in ("starts_at", "ends_at"):
            value = text(form, key)
            payload[key] = local_instant(value, tz_name) if value else None
    payload["rrule"] = build_rrule(form)
    if payload["rrule"]:
        payload["exdates"] = [v for v in form.getlist("exdates") if v]
    return payload


def event_form_values(event: dict) -> dict:
    """What the event form shows for a stored event (its API representation)."""
    values = {key: event.get(key) or "" for key in ("title", "kind", "agreement", "description", "location", "url",
                                                   "status", "visibility", "timezone", "start_date", "end_date",
                                                   *SCHEDULE_FIELDS)}
    values["emphasis"] = bool(event.get("emphasis"))
    values["organizations"] = list(event.get("organizations") or [])
    values["all_day"] = bool(event.get("all_day"))
    for key in ("starts_at", "ends_at"):
        values[key] = datetime.fromisoformat(event[key]).strftime("%Y-%m-%dT%H:%M") if event.get(key) else ""
    values.update(repeat_values(event.get("rrule"), event.get("timezone") or default_timezone()))
    values["exdates"] = list(event.get("exdates") or [])
    return values


def repeat_values(rrule: str | None, tz_name: str) -> dict:
    """Read a stored RRULE back into the plain-words fields, or keep it whole as a custom rule."""
    values = {"repeat": "none", "interval": "1", "until": "", "rrule_custom": ""}
    if not rrule:
        return values
    match = SIMPLE_RULE.match(rrule)
    if not match:
        return {**values, "repeat": "custom", "rrule_custom": rrule}
    freq, until_day, until_time, interval = match.groups()
    values.update(repeat=freq.lower(), interval=interval or "1")
    if until_day:
        until = date(int(until_day[:4]), int(until_day[4:6]), int(until_day[6:]))
        if until_time:  # a timed series stores UNTIL in UTC: show the local day it falls on
            moment = datetime.strptime(until_day + until_time, "%Y%m%d%H%M%S").replace(tzinfo=zone("UTC"))
            until = moment.astimezone(zone(tz_name)).date()
        values["until"] = until.isoformat()
    return values


def form_values(form, multi=("organizations", "exdates")) -> dict:
    """What was typed, to show again beside the errors."""
    values = {key: form.get(key, "") for key in form.keys()}
    for key in multi:
        values[key] = form.getlist(key)
    for key in ("all_day", "emphasis"):
        values[key] = checked(form, key)
    return values


# Messages of the schemas and repositories (English, for API clients) in words a clerk understands.
PLAIN = [
    (r"Missing data for required field\.|Field may not be null\.", "This field is required."),
    (r"Length must be between 0 and (?P<max>\d+)\.|Longer than maximum length (?P<max2>\d+)\.",
     "Must be at most {max} characters long."),
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.", "Must be between {min} and {max} characters long."),
    (r"Must be one of: .*", "Choose one of the options in the list."),
    (r"Not a valid aware datetime\.|Not a valid datetime\.", "Enter a date and a time."),
    (r"Not a valid date\.", "Enter a valid date."),
    (r"Not a valid URL\.", "Enter a web address that starts with http:// or https://."),
    (r"Not a valid integer\.", "Enter a whole number."),
    (r"Must be greater than or equal to (?P<min>\d+) and less than or equal to (?P<max>\d+)\.",
     "Enter a number from {min} to {max}."),
    (r"Use lower-case letters a-z, digits and single hyphens\.",
     "Use only lower-case letters a–z, digits and single hyphens, e.g. tap-chi-cong-san."),
    (r"Required for an all-day event\.", "Enter the first day."),
    (r"Must not be before start_date\.", "The last day must not be before the first day."),
    (r"Required unless all_day is true\.", "Enter a date and a time, or tick “All day”."),
    (r"Must be after starts_at\.", "The end must be after the start."),
    (r"Unknown time zone .*", "Choose a time zone from the list."),
    (r"Must be between the years (?P<min>\d+) and (?P<max>\d+)\.", "Must be between the years {min} and {max}."),
    (r"Must not contain control characters( or line breaks)?\.",
     "Must not contain line breaks or invisible control characters."),
    (r"Unknown agreement '(?P<slug>.*)'\.", "There is no agreement “{slug}”."),
    (r"Unknown organization '(?P<slug>.*)'\.", "There is no organization “{slug}”."),
    (r"Must not be before valid_from\.", "The end of the term must not be before its start."),
    (r"Each organization may appear once; repeated: (?P<names>.*)\.",
     "Each organization may appear only once (repeated: {names})."),
    (r"An agreement needs at least two distinct organizations as signatories or parties\.",
     "An agreement needs at least two different organizations that sign or take part."),
    (r"Needs .*\.", "Needs “Review every N months” and “Valid from”."),
    (r"The first review meeting, on (?P<day>\S+), would fall after the term ends \((?P<end>\S+)\): "
     r"give a shorter interval or a longer term\.",
     "The first review meeting ({day}) would fall after the end of the term ({end}); "
     "choose a shorter interval or a longer term."),
    (r"The review meetings must fall between the years (?P<min>\d+) and (?P<max>\d+); "
     r"the first would be on (?P<day>\S+)\.",
     "The review meetings must fall between the years {min} and {max}; the first would be on {day}."),
    (r"Already taken\.", "This short name is already taken; choose another one."),
    (r"An organization cannot be its own ancestor\.", "An organization cannot be placed under itself."),
    (r"An agreement cannot be its own ancestor\.", "An agreement cannot be placed under itself."),
    (r"Only a recurring event \(with rrule\) can skip occurrences\.",
     "Only a repeating event can skip occurrences."),
]
_PLAIN = [(re.compile(pattern), message) for pattern, message in PLAIN]

# The recurrence checker's messages (RRULE words for API clients) as the repetition field each concerns.
REPETITION = [
    (r"INTERVAL must be a whole number between 1 and (?P<max>\d+)", "interval",
     "Enter how many weeks, months or years apart, a whole number from 1 to {max}."),
    (r"UNTIL \(.*\) is before DTSTART \(.*\)", "until", "The last day of the repetition must not be before the start."),
    (r"UNTIL \(.*\) is more than (?P<years>\d+) years after DTSTART|UNTIL is more than (?P<years2>\d+) years after DTSTART",
     "until", "The last day of the repetition must be within {years} years of the start."),
    (r"UNTIL must be a date .*", "until", "Enter the last day as dd/mm/yyyy."),
    (r"the rule yields no occurrence within (?P<years>\d+) years of DTSTART", "repeat",
     "This repetition gives no date within {years} years; choose another one."),
    (r"DTSTART .* is not an occurrence of the rule; .*", "repeat",
     "The start is not one of the repeated dates; move the start to the first of them or choose another repetition."),
    (r"These EXDATEs remove every occurrence of the series; delete the event instead\.", "repeat",
     "Every occurrence of the series is skipped; delete the event instead."),
]
_REPETITION = [(re.compile(pattern), target, message) for pattern, target, message in REPETITION]


def repetition_message(message: str) -> tuple[str, str]:
    """(form field, plain words) for a recurrence message: never RRULE words such as INTERVAL or UNTIL."""
    for pattern, target, replacement in _REPETITION:
        match = pattern.fullmatch(message)
        if match:
            found = {k.rstrip("2"): v for k, v in match.groupdict().items() if v is not None}
            return target, _(replacement, **found)
    return "repeat", _("This repetition cannot be used; choose another one.")


def plain(message: str, field: str = "") -> str:
    """One schema message in the interface language; unknown ones keep their English detail."""
    for pattern, replacement in _PLAIN:
        match = pattern.fullmatch(message)
        if match:
            found = {k.rstrip("2"): v for k, v in match.groupdict().items() if v is not None}
            return _(replacement, **found)
    if field in ("rrule", "exdates"):
        return repetition_message(message)[1]
    return message


def messages_of(value) -> list[str]:
    """Every message in a marshmallow error value (lists, and dicts keyed by list index)."""
    if isinstance(value, dict):
        return [m for item in value.values() for m in messages_of(item)]
    if isinstance(value, (list, tuple)):
        return [m for item in value for m in messages_of(item)]
    return [str(value)]


def field_errors(errors: dict, aliases: dict | None = None) -> dict[str, list[str]]:
    """Map schema errors to form fields, in plain words; `_schema` errors go under '_form'."""
    aliases = aliases or {}
    shown: dict[str, list[str]] = {}
    for key, value in (errors or {}).items():
        target = aliases.get(key, "_form" if key == "_schema" else key)
        for message in messages_of(value):
            where, text_ = target, plain(message, key)
            if key in ("rrule", "exdates") and not any(p.fullmatch(message) for p, _m in _PLAIN):
                where, text_ = repetition_message(message)  # on the field it concerns (interval, until)
            if text_ not in shown.setdefault(where, []):
                shown[where].append(text_)
    return shown


EVENT_ALIASES = {"rrule": "repeat", "exdates": "repeat"}


def organization_payload(form) -> dict:
    """The JSON body the API would receive for this organization form."""
    payload = {"short_name": optional(form, "short_name"), "kind": text(form, "kind") or "other",
               "parent": optional(form, "parent"), "website": optional(form, "website")}
    put_required(payload, "name", text(form, "name"))
    put_required(payload, "slug", text(form, "slug"))
    return payload


PARTY_FIELDS = ("organization", "role", "signatory_name", "signatory_title")


def party_rows(form) -> list[dict]:
    """The party rows as typed, empty ones included (for showing the form again)."""
    rows = []
    index = 0
    while f"parties-{index}-organization" in form:
        rows.append({key: text(form, f"parties-{index}-{key}") for key in PARTY_FIELDS})
        index += 1
    return rows


def agreement_payload(form) -> tuple[dict, list[int]]:
    """The JSON body for this agreement form, and the form row of each party sent."""
    payload = {"kind": text(form, "kind"), "summary": multiline(form, "summary"), "parent": optional(form, "parent"),
               "source_url": optional(form, "source_url"), "parties": []}
    put_required(payload, "title", text(form, "title"))
    put_required(payload, "slug", text(form, "slug"))
    for key in ("signed_on", "valid_from", "valid_until", "review_every_months"):
        payload[key] = optional(form, key)
    rows = []
    for index, row in enumerate(party_rows(form)):
        if not row["organization"]:
            continue
        rows.append(index)
        payload["parties"].append({"organization": row["organization"], "role": row["role"] or "signatory",
                                   "signatory_name": row["signatory_name"] or None,
                                   "signatory_title": row["signatory_title"] or None})
    if form.get("create_review_series") in ("on", "1", "true"):
        payload["create_review_series"] = True
    return payload, rows


REPEATED_PARTY = re.compile(r"Each organization may appear once; repeated: .*\.")


def agreement_errors(errors: dict, rows: list[int], organizations: list[str] = ()) -> dict[str, list[str]]:
    """Field errors of the agreement form; a party's errors go to its own row, a repeated organization to its repeats."""
    errors = dict(errors or {})
    if organizations and any(REPEATED_PARTY.fullmatch(m) for m in messages_of(errors.get("parties") or [])):
        errors.pop("parties")
        shown = field_errors(errors)
        for position, slug in enumerate(organizations):
            if slug in organizations[:position]:
                shown[f"parties-{rows[position]}-organization"] = [_("This organization is already listed above.")]
        return shown
    parties = errors.pop("parties", None)
    shown = field_errors(errors)
    if isinstance(parties, dict):
        for index, party_errors in parties.items():
            row = rows[int(index)] if int(index) < len(rows) else 0
            by_field = party_errors if isinstance(party_errors, dict) else {"organization": party_errors}
            for key, value in by_field.items():
                shown.setdefault(f"parties-{row}-{key}", []).extend(plain(m, key) for m in messages_of(value))
    elif parties:
        shown["parties"] = [plain(m, "parties") for m in messages_of(parties)]
    return shown
