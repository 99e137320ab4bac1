"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from calendar_app import create_app

app = create_app()
