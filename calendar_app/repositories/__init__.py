"""SQL through sqlite-utils: functions take a Database and return plain dicts; no Flask here."""
