"""The gettext catalogs: .po files are the source (in git); .mo files are compiled from them, never committed."""

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def compile_catalogs(directory: Path) -> list[Path]:
    """Compile each <lang>/LC_MESSAGES/*.po whose .mo is missing or older; return the .mo files written.

    Runs at start-up so that a fresh clone (or a merge that changed a .po) serves current translations
    without a build step. Several workers may start at once: each writes its own temporary file and
    renames it into place, which is atomic.
    """
    written = []
    for po in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        temporary = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
        with temporary.open("wb") as target:
            write_mo(target, catalog)  # fuzzy entries are left out, as pybabel compile does
        os.replace(temporary, mo)
        written.append(mo)
    return written


def table_messages() -> set[str]:
    """The English messages kept in tables (labels for codes, plain-words errors, error titles).

    They are not `_("…")` literals, so pybabel's Python extractor cannot see them; this is the one list
    of those tables, read by the extractor below and by the translation test.
    """
    from . import errors, event_actions, followup, forms, holiday_pages, labels, pages, week

    found = {message for group in labels.LABELS.values() for message in group.values()}
    found |= {message for _pattern, message in forms.PLAIN}
    found |= set(errors.TITLES.values()) | set(errors.MESSAGES.values()) | {errors.CSRF_MESSAGE}
    found |= {message for pair in pages.REPETITION_WORDS.values() for message in pair}
    found |= set(holiday_pages.KIND_WORDS.values())
    found |= {message for _pattern, _field, message in forms.REPETITION}
    found |= {message for _status, *words in event_actions.ACTIONS.values() for message in words}
    found |= {message for pair in followup.KIND_WORDS.values() for message in pair} | set(followup.STATE_WORDS.values())
    found |= set(week.PART_WORDS.values())
    return found


def extract_tables(fileobj, keywords, comment_tags, options):
    """A pybabel extractor (named `tables` in babel.cfg) that yields table_messages()."""
    for message in sorted(table_messages()):
        yield 0, None, message, []
