# The two commands of README.md: `make run` and `make test`; `make check` is the fast part of the suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
# Threads per worker: a client that sends its request slowly holds one thread, not a whole worker.
THREADS ?= 8

.PHONY: run test check install db openapi messages bench clean

$(STAMP): requirements.txt requirements-dev.txt requirements-icu.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	if pkg-config --exists icu-i18n 2>/dev/null && command -v g++ >/dev/null; then \
	  $(BIN)/pip install --quiet -r requirements-icu.txt; \
	else echo "PyICU not built (needs libicu-dev pkg-config g++): Vietnamese sorting uses the built-in fallback"; fi
	touch $(STAMP)

# ical.js for tests/clients, for the tests only (make run needs no node). npm ci writes
# node_modules/.package-lock.json, newer than the lock file.
NODE_STAMPS := tests/clients/node_modules/.package-lock.json

tests/clients/node_modules/.package-lock.json: tests/clients/package.json tests/clients/package-lock.json
	npm ci --prefix tests/clients --no-audit --no-fund --silent

install: $(STAMP)

db: $(STAMP)
	$(BIN)/flask --app calendar_app init-db
	$(BIN)/flask --app calendar_app seed-demo --if-empty

# The webhook delivery worker runs beside the server and stops with it; the server runs under
# Litestream when LITESTREAM_REPLICA_URL is set (calendar_app/replication.py), else gunicorn alone.
run: db
	$(BIN)/flask --app calendar_app webhooks deliver & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask --app calendar_app run-with-replica -- $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --worker-class gthread --threads $(THREADS) \
	  --timeout 30 --graceful-timeout 20 --keep-alive 5 --access-logfile - wsgi:app

# Both targets use both cores (pytest-xdist); --dist loadfile keeps a module's tests (and its one
# browser or server) in one process.
test: $(STAMP) $(NODE_STAMPS)
	$(BIN)/python -m pytest -n 2 --dist loadfile

check: $(STAMP) $(NODE_STAMPS)
	$(BIN)/python -m pytest -q -m "not slow" -n 2 --dist loadfile

openapi: $(STAMP)
	$(BIN)/flask --app calendar_app openapi write --format=json schema/openapi.json

# Extract the interface messages (babel.cfg) and add the new ones, untranslated, to each .po; translate them
# there. The .mo files are compiled when the app starts (web/catalog.py), so they are not kept in git.
POT := calendar_app/translations/messages.pot
messages: $(STAMP)
	PYTHONPATH=. $(BIN)/python -m babel.messages.frontend extract -F babel.cfg --no-location --sort-output \
	  --project calendar_app -o $(POT) .
	PYTHONPATH=. $(BIN)/python -m babel.messages.frontend update -i $(POT) -d calendar_app/translations \
	  --no-fuzzy-matching --ignore-obsolete
	rm -f $(POT)

bench: $(STAMP)
	test -f bench/data/events-10000.sqlite3 || $(BIN)/python -m bench.generate --events 10000
	test -f bench/data/events-100000.sqlite3 || $(BIN)/python -m bench.generate --events 100000
	$(BIN)/python -m bench.run json --db bench/data/events-100000.sqlite3
	$(BIN)/python -m bench.run feeds --db bench/data/events-10000.sqlite3
	$(BIN)/python -m bench.run write --db bench/data/events-10000.sqlite3

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .schemathesis test-artifacts tests/clients/node_modules
