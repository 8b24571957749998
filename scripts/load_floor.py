"""The floor: what the mandated stack costs for one attempt when the app does nothing else.

Serves a bare Flask app that does only what the stack cannot avoid for an attempt: parse the
JSON body, one INSERT (the resent attempt of the offline queue is stored once, by
ON CONFLICT DO NOTHING) and a COMMIT through a SQLAlchemy engine on the same kind of database,
and a JSON reply. No session cookie, login, CSRF, rate limits, quotas, friction gates or
dashboard totals. It is started through the same server with the same settings and driven by
the same learners as scripts/load.py (its client, its CPU meter, its exactly-once check), and
runs interleaved with the real app in one process so both see the same machine:

    .venv/bin/python scripts/load_floor.py --server gunicorn --rounds 2
    .venv/bin/python scripts/load_floor.py --server gunicorn --database-url postgresql://...

The floor's CPU per request is the least any app on flask + sqlalchemy + gunicorn (+ PostgreSQL)
pays on this machine; its attempts/s is the most such an app can do here. The real app's
figures beside it say how much of the rest is the app's own.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402 (scripts/load.py, beside this file)

FLOOR_APP = "load_floor:create_floor_app()"
FLOOR_TABLE = "floor_attempt"


def create_floor_app():
    """The bare app: the same URLs load.py's learners use, each doing the least it can."""
    import sqlalchemy as sa
    from flask import Flask
    from flask import jsonify
    from flask import request

    from app.config import normalise_database_url

    url = normalise_database_url(os.environ["DATABASE_URL"])
    engine = sa.create_engine(url, pool_size=16, max_overflow=16)
    if url.startswith("sqlite"):
        # The real app's SQLite settings (app/extensions.py): WAL, and wait for a busy writer.
        @sa.event.listens_for(engine, "connect")
        def pragmas(dbapi_connection, connection_record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    metadata = sa.MetaData()
    attempt = sa.Table(
        FLOOR_TABLE, metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client_id", sa.String(36), nullable=False, unique=True),
        sa.Column("exercise_id", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("verdict", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    journal = sa.Table(
        "floor_journal", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with engine.begin() as connection:  # every worker tries; the first one creates them
        try:
            metadata.create_all(connection)
        except sa.exc.DBAPIError:
            pass
    if url.startswith("sqlite"):
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    store_attempt = insert(attempt).on_conflict_do_nothing(index_elements=["client_id"])
    store_entry = sa.insert(journal)

    app = Flask(__name__)

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.get("/auth/signup")
    @app.get("/exercises/<exercise_id>")
    def page(exercise_id: str = ""):
        return ""  # no form, no CSRF token: the learners send none

    @app.post("/auth/signup")
    def signup():
        return "", 302, {"Location": "/"}

    write = GroupCommit(engine) if os.environ.get("FLOOR_GROUP_COMMIT") else None

    @app.post("/api/attempts")
    def post_attempt():
        data = request.get_json()
        values = {
            "client_id": data["id"], "exercise_id": data["exercise_id"],
            "kind": data["kind"], "files": data["files"], "verdict": data["verdict"],
            "created_at": datetime.now(UTC),
        }
        if write:
            write(store_attempt, values)
        else:
            with engine.begin() as connection:
                connection.execute(store_attempt, values)
        return jsonify(attempt={"id": data["id"]}), 201

    @app.post("/api/journal")
    def post_entry():
        data = request.get_json()
        values = {"kind": data["kind"], "text": data["text"], "created_at": datetime.now(UTC)}
        if write:
            write(store_entry, values)
        else:
            with engine.begin() as connection:
                connection.execute(store_entry, values)
        return jsonify(ok=True), 201

    return app


class GroupCommit:
    """A writer thread per process that stores what the request threads hand it in batches:
    one executemany per statement and one COMMIT per batch, each request answered only after
    its batch committed (what the floor would cost with a group-committing attempt path)."""

    def __init__(self, engine) -> None:
        import queue
        import threading

        self.engine, self.jobs = engine, queue.SimpleQueue()
        threading.Thread(target=self.run, daemon=True, name="group-commit").start()

    def __call__(self, statement, values: dict) -> None:
        """Queue one row and wait until the batch holding it is committed."""
        import threading

        done = threading.Event()
        job = [statement, values, done, None]
        self.jobs.put(job)
        done.wait()
        if job[3] is not None:
            raise job[3]

    def run(self) -> None:
        """Take every queued row (at least one), store them in one transaction, answer all."""
        import queue

        while True:
            batch = [self.jobs.get()]
            while len(batch) < 512:
                try:
                    batch.append(self.jobs.get_nowait())
                except queue.Empty:
                    break
            by_statement: dict = {}
            for job in batch:
                by_statement.setdefault(job[0], []).append(job[1])
            try:
                with self.engine.begin() as connection:
                    for statement, rows in by_statement.items():
                        connection.execute(statement, rows)
            except Exception as error:  # every waiting request answers with it
                for job in batch:
                    job[3] = error
            for job in batch:
                job[2].set()


def summary_row(run: load.Measured, cores: int) -> str:
    """One line of the closing table."""
    attempts = run.attempts
    app_cpu = run.used["server"] + run.used.get("database server", 0.0)
    db_ms = (f" +{1000 * run.used['database server'] / len(attempts):.2f}"
             if "database server" in run.used else "")
    return (f"| {run.label} | {len(attempts) / run.elapsed:.0f} | "
            f"{load.percentile(attempts, 50):.1f} | {load.percentile(attempts, 99):.1f} | "
            f"{1000 * run.used['server'] / run.requests:.2f} | "
            f"{1000 * run.used['server'] / len(attempts):.2f}{db_ms} | "
            f"{cores * len(attempts) / app_cpu:.0f} | "
            f"{run.load_before[0]:.1f} -> {run.load_after[0]:.1f} | "
            f"{sum(run.results.errors.values())} | {'yes' if run.exactly_once else 'NO'} |")


def main() -> int:
    """Real app and floor, interleaved; print each run, then a table of both."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    load.add_arguments(parser)
    parser.add_argument("--rounds", type=int, default=1,
                        help="pairs of runs (app, floor), interleaved")
    parser.add_argument("--floor-only", action="store_true", help="skip the real app")
    parser.add_argument("--group-commit", action="store_true",
                        help="also run the floor with one writer thread per process that "
                             "commits the requests' rows in batches")
    args = parser.parse_args()
    load.check_arguments(parser, args)
    if not 1 <= args.rounds <= 5:
        parser.error("--rounds is between 1 and 5")
    runs = []
    for _ in range(args.rounds):
        if not args.floor_only:
            runs.append(load.measure(args, label="app"))
            load.report(args, runs[-1])
            print()
        runs.append(load.measure(args, label="floor", app_spec=FLOOR_APP, prepare=False,
                                 table=FLOOR_TABLE))
        load.report(args, runs[-1])
        print()
        if args.group_commit:
            runs.append(load.measure(args, label="floor, group commit", app_spec=FLOOR_APP,
                                     prepare=False, table=FLOOR_TABLE,
                                     extra_env={"FLOOR_GROUP_COMMIT": "1"}))
            load.report(args, runs[-1])
            print()
    cores = os.cpu_count() or 1
    print("| run | attempts/s | p50 ms | p99 ms | server CPU ms/request | "
          "server CPU ms/attempt (+database) | 2 cores allow /s | load avg (1 min) | errors "
          "| exactly once |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        print(summary_row(run, cores))
    return 0 if all(r.exactly_once and not r.results.errors for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
