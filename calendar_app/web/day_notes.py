"""The annotation under each day of the week view (the lunar date, a holiday): one call per day, one place.

Helper "lunar" (issue 12) fills this in; the week view (week_schedule.build asks `Words.day_note`)
shows whatever it returns under the day's date, on the page, the print view and the PDF.
"""

from datetime import date


def day_note(day: date) -> str | None:
    """A short text for a day (e.g. "Rằm tháng Giêng", "Tết Nguyên Đán"), or None: nothing yet."""
    return None
