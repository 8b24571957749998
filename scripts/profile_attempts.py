"""Profile: where the CPU of one attempt (and of one journal entry) goes, inside the app.

Creates the app as production runs it (CSRF on, rate limits and quotas on with their database
storage, the real catalog) on a fresh SQLite file or on --database-url (an empty PostgreSQL
database: it is migrated here), signs learners up through the real form, then calls the WSGI
app directly with requests built before the clock starts: no socket, no HTTP client, so the
figures are the app's own. Learners post as scripts/load.py's do (checks, runs, resent
attempts, journal entries). Prints CPU milliseconds per request (process time, which depends
little on the machine's load) and, with --profile, cProfile's self time grouped by layer plus
the inclusive time of the steps a request goes through.

    .venv/bin/python scripts/profile_attempts.py --profile
    .venv/bin/python scripts/profile_attempts.py --database-url postgresql://... --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "load test horse battery staple"
USER_AGENT = "profile_attempts"
CODE = "def add(a, b):\n    return a - b  # attempt {n}\n"

# Self time is charged to the first of these that the function's file path contains.
LAYERS = (
    ("sqlite3", "driver (sqlite3)"),
    ("psycopg", "driver (psycopg)"),
    ("/sqlalchemy/orm/", "SQLAlchemy ORM"),
    ("/sqlalchemy/", "SQLAlchemy Core/engine"),
    ("/flask_sqlalchemy/", "SQLAlchemy Core/engine"),
    ("/flask_limiter/", "Flask-Limiter + limits"),
    ("/limits/", "Flask-Limiter + limits"),
    ("/flask_wtf/", "session, CSRF, login"),
    ("/wtforms/", "session, CSRF, login"),
    ("/itsdangerous/", "session, CSRF, login"),
    ("/flask_login/", "session, CSRF, login"),
    ("/pydantic", "pydantic"),
    ("/whitenoise/", "Flask/Werkzeug"),
    ("/werkzeug/", "Flask/Werkzeug"),
    ("/flask/", "Flask/Werkzeug"),
    ("/json/", "json"),
    ("/app/friction/", "app: friction"),
    ("/app/practice/", "app: practice (gates, session)"),
    ("/app/teach/", "app: dashboard totals"),
    ("/app/learn/", "app: attempts"),
    ("/app/journal/", "app: journal"),
    ("/app/rate_limits", "Flask-Limiter + limits"),
    ("/app/quotas", "app: write quotas"),
    ("/app/", "app: other"),
)
# Inclusive (cumulative) time of the steps of a request, found by function name.
STEPS = (
    ("session cookie: open", "sessions.py", "open_session"),
    ("session cookie: save", "sessions.py", "save_session"),
    ("load the user (login)", "app/auth/services.py", "load_user"),
    ("CSRF check", "flask_wtf/csrf.py", "protect"),
    ("Flask-Limiter (per address)", "flask_limiter/_extension.py", "_check_request_limit"),
    ("JSON + pydantic", "app/api.py", "parse_json"),
    ("record_attempt", "app/learn/services.py", "record_attempt"),
    ("  friction gate reads", "app/practice/services.py", "gate_state"),
    ("  study session update", "app/practice/services.py", "touch_session"),
    ("  dashboard totals", "app/teach/stats.py", "fold_new_checks"),
    ("  write quota charge", "app/quotas.py", "charge_write"),
    ("  commit", "sqlalchemy/orm/session.py", "commit"),
    ("record_entry", "app/journal/services.py", "record_entry"),
    ("jsonify the reply", "flask/json/__init__.py", "jsonify"),
    ("security headers", "app/serving.py", "apply_security_headers"),
)


def layer_of(filename: str, function: str) -> str:
    """Which layer a function's own time belongs to."""
    if filename == "~":  # a builtin: charge the driver's C calls to the driver
        if "sqlite3" in function:
            return "driver (sqlite3)"
        if "psycopg" in function:
            return "driver (psycopg)"
        return "builtins (C)"
    for needle, layer in LAYERS:
        if needle in filename:
            return layer
    return "other Python"


def make_app(database_url: str, tmp: Path):
    """The app as production configures it, on a migrated database with the catalog synced."""
    os.environ.setdefault("SECRET_KEY", "profile-only")
    from flask_migrate import upgrade

    from app import create_app
    from app.catalog import get_catalog
    from app.catalog import sync_exercises

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp / 'profile.db'}",
        "RECHECK_MODE": "off",
        "SIGNUP_RATE_LIMIT": "100000 per hour",
        "ACCOUNT_WRITE_LIMIT": "100000 per hour",
    })
    app.config["RATELIMIT_STORAGE_OPTIONS"]["url"] = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        upgrade()
        sync_exercises(get_catalog())
    return app


def sign_up(app, n: int, exercise_id: str) -> tuple[str, str]:
    """A learner signed up through the real form: (Cookie header, API CSRF token)."""
    client = app.test_client()
    # One browser: Flask-Login's session protection compares the address and User-Agent with
    # the sign-up's, and on a mismatch rewrites (and so re-signs) the session cookie.
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    page = client.get("/auth/signup").get_data()
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
    reply = client.post("/auth/signup", data={
        "display_name": f"Profile {n}", "email": f"profile{n}@example.org",
        "password": PASSWORD, "confirm": PASSWORD,
        "csrf_token": token.group(1).decode() if token else "",
    })
    if reply.status_code != 302:
        raise SystemExit(f"sign-up failed: {reply.status_code}")
    page = client.get(f"/exercises/{exercise_id}").get_data()
    api_token = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    return cookie, api_token


def bodies(exercise, learner: int, count: int):
    """What one learner posts, in order, as scripts/load.py's learners do."""
    file_name = exercise.editable_files[0]
    last = None
    for sent in range(1, count + 1):
        if sent % 5 == 0:
            yield "journal", "/api/journal", json.dumps(
                {"kind": "free", "text": f"note {sent} from {learner}"}).encode()
        elif last is not None and sent % 7 == 0:
            yield "attempt (resent)", "/api/attempts", last
        else:
            last = json.dumps({
                "id": str(uuid.uuid4()), "exercise_id": exercise.id,
                "exercise_version": exercise.version, "kind": "check" if sent % 3 else "run",
                "files": {file_name: CODE.format(n=sent)},
                "verdict": {"status": "failed", "kind": "check", "tests": [
                    {"name": "test_example", "outcome": "failed", "message": "assert -1 == 5"}]},
                "duration_ms": 40, "client_time": datetime.now(UTC).isoformat(),
            }).encode()
            yield "attempt", "/api/attempts", last


def main() -> int:
    """Post the requests, print CPU per request, and the profile when asked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--requests", type=int, default=60, help="per learner")
    parser.add_argument("--database-url", default="", help="an empty database; default SQLite")
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    parser.add_argument("--top", type=int, default=25, help="functions listed by self time")
    parser.add_argument("--dump", type=Path, help="with --profile: save the raw profile here "
                        "(for pstats: callers, callees)")
    args = parser.parse_args()

    from werkzeug.test import EnvironBuilder

    from app.exercises import load_catalog

    exercise = next(e for e in load_catalog(ROOT / "exercises").exercises.values()
                    if e.kind == "python")
    tmp = Path(tempfile.mkdtemp(prefix="friction-profile-"))
    app = make_app(args.database_url, tmp)
    learners = [sign_up(app, n, exercise.id) for n in range(args.learners)]
    # Round robin over the learners, as concurrent learners interleave.
    plans = [list(bodies(exercise, n, args.requests)) for n in range(args.learners)]
    requests = []
    for step in range(args.requests):
        for n, (cookie, token) in enumerate(learners):
            kind, path, body = plans[n][step]
            environ = EnvironBuilder(
                path=path, method="POST", data=body, content_type="application/json",
                headers={"Cookie": cookie, "X-CSRFToken": token, "User-Agent": USER_AGENT},
                base_url="http://127.0.0.1:5000",
                environ_overrides={"REMOTE_ADDR": "127.0.0.1"},  # the test client's
            ).get_environ()
            requests.append((kind, environ))

    statuses: dict[str, int] = defaultdict(int)

    def start_response(status, headers, exc_info=None):
        statuses[status] += 1

    def run(selected):
        cpu: dict[str, float] = defaultdict(float)
        counts: dict[str, int] = defaultdict(int)
        for kind, environ in selected:
            environ = dict(environ, **{"wsgi.input": io.BytesIO(environ["wsgi.input"].getvalue())})
            started = time.process_time()
            response = app(environ, start_response)
            b"".join(response)
            getattr(response, "close", lambda: None)()
            cpu[kind] += time.process_time() - started
            counts[kind] += 1
        return cpu, counts

    warm = len(learners) * 5  # first requests compile statements and fill caches
    run(requests[:warm])
    if any(not status.startswith(("200", "201")) for status in statuses):
        raise SystemExit(f"the app refused or failed requests: {dict(statuses)}")
    # Process (CPU) time, not wall time: waiting for the database server is not this process's.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    wall = time.perf_counter()
    if profiler:
        profiler.enable()
    cpu, counts = run(requests[warm:])
    if profiler:
        profiler.disable()
    wall = time.perf_counter() - wall
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{sum(counts.values())} requests on {database} in {wall:.1f} s"
          f"{' (under cProfile: slower)' if profiler else ''}; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}, "
          f"{os.cpu_count()} cores; replies {dict(statuses)}")
    for kind in sorted(counts):
        print(f"  {kind:18} {1000 * cpu[kind] / counts[kind]:6.2f} ms CPU per request "
              f"(n={counts[kind]})")
    attempts = counts["attempt"] + counts["attempt (resent)"]
    attempt_cpu = cpu["attempt"] + cpu["attempt (resent)"]
    print(f"  => {1000 * attempt_cpu / attempts:.2f} ms CPU per attempt: at most "
          f"{attempts / attempt_cpu:.0f} attempts/s per core for this process alone")
    if profiler:
        print_profile(profiler, sum(counts.values()), args.top)
        if args.dump:
            profiler.dump_stats(args.dump)
    return 0


def print_profile(profiler: cProfile.Profile, requests: int, top: int) -> None:
    """Self time by layer, the steps' inclusive time, and the costliest functions."""
    stats = pstats.Stats(profiler)
    raw = stats.stats  # {(file, line, name): (primitive calls, calls, self, cumulative, callers)}
    total = sum(entry[2] for entry in raw.values())
    by_layer: dict[str, float] = defaultdict(float)
    for (filename, _, function), (_, _, self_time, _, _) in raw.items():
        by_layer[layer_of(filename, function)] += self_time
    print(f"\nSelf time by layer, per request (all requests; profiled total "
          f"{1000 * total / requests:.2f} ms):")
    for layer, seconds in sorted(by_layer.items(), key=lambda item: -item[1]):
        print(f"  {layer:32} {1000 * seconds / requests:6.2f} ms  {100 * seconds / total:5.1f}%")
    print("\nSteps, inclusive time per call:")
    for label, file_part, function in STEPS:
        found = [(calls, cumulative) for (filename, _, name), (_, calls, _, cumulative, _)
                 in raw.items() if name == function and file_part in filename]
        if found:
            calls = sum(c for c, _ in found)
            cumulative = max(c for _, c in found)
            print(f"  {label:28} {1000 * cumulative / max(calls, 1):6.2f} ms  x{calls}")
    print(f"\nTop {top} functions by self time:")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


if __name__ == "__main__":
    sys.exit(main())
