"""Real calendar clients (vdirsyncer + khal, evolution-data-server, ical.js, calcurse) against a live server."""
