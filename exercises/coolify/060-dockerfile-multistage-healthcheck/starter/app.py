"""The shop's API: it talks to PostgreSQL through psycopg (compiled C extension)."""

import os

import psycopg
from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    # Healthy means: the process answers AND the database connection works.
    with psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=2) as conn:
        conn.execute("SELECT 1")
    return {"status": "ok"}
