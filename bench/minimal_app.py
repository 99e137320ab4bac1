"""The comparison app: Flask answering the very same bodies from memory, with no database.

    BENCH_SOURCE=http://127.0.0.1:8000 BENCH_PATHS="/api/v1/events?...|/feeds/..." \
        gunicorn --bind 127.0.0.1:8001 bench.minimal_app:app

At start-up it asks the running application (BENCH_SOURCE) for each path once and keeps the body. Then, per request:
- /json/<n>: the n-th body parsed at start-up and serialized again with jsonify (the same JSON from memory);
- /bytes/<n>: the n-th body as stored bytes, with a precomputed ETag and a 304 on If-None-Match.
"""

import hashlib
import http.client
import json
import os

from flask import Flask, Response, abort, jsonify, request


def _fetched(source: str, paths: list[str]) -> list[tuple[bytes, str]]:
    """Fetch each path once from the running app at source (http://127.0.0.1:PORT): the very same bytes."""
    host, port = source.removeprefix("http://").split(":")
    found = []
    for path in paths:
        connection = http.client.HTTPConnection(host, int(port), timeout=300)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        found.append((body, response.getheader("Content-Type")))
    return found


def create_minimal_app(bodies: list[tuple[bytes, str]]) -> Flask:
    """A Flask app that only answers from memory."""
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    parsed = [json.loads(body) if "json" in kind else None for body, kind in bodies]
    etags = [f'"{hashlib.sha256(body).hexdigest()[:32]}"' for body, _ in bodies]

    @app.get("/json/<int:n>")
    def as_json(n):
        if n >= len(parsed) or parsed[n] is None:
            abort(404)
        return jsonify(parsed[n])

    @app.get("/bytes/<int:n>")
    def as_bytes(n):
        if n >= len(bodies):
            abort(404)
        body, kind = bodies[n]
        if request.headers.get("If-None-Match") == etags[n]:
            return Response(status=304, headers={"ETag": etags[n]})
        return Response(body, content_type=kind, headers={"ETag": etags[n]})

    return app


def _from_environment() -> Flask:
    """Build the app gunicorn loads, from BENCH_SOURCE and BENCH_PATHS."""
    paths = [p for p in os.environ.get("BENCH_PATHS", "").split("|") if p]
    return create_minimal_app(_fetched(os.environ["BENCH_SOURCE"], paths))


if os.environ.get("BENCH_SOURCE"):
    app = _from_environment()
