"""Per-account write quotas, counted in the same transaction as the write they charge.

One account may send ACCOUNT_WRITE_LIMIT write requests per window ("2000 per hour": an hour,
starting on the clock hour) and ACCOUNT_BYTES_PER_DAY bytes of request bodies per UTC day, so
no account can fill the disk. Every write endpoint's service calls `charge_write` on its own
session just before it commits: one INSERT ... ON CONFLICT DO UPDATE ... RETURNING on the
account's usage row counts the request and its bytes (starting a new window when the stored one
is over) and returns both counts. Over either quota the transaction is rolled back, the
request's rows and its charge together, and a 429 says which quota and when it lifts.

Why here and not in Flask-Limiter (which still limits per address: login, sign-up): its check
ran two counter updates per request on a connection of its own, outside the write's
transaction, plus its machinery, 15-20% of an attempt's CPU. Counted in the write's
transaction, the charge costs one statement and commits (or rolls back) with what it charges.

What is charged: a request that stores something, or may (the friction endpoint logs the cards
it shows). Not charged: requests refused before the charge (malformed, invalid, another
learner's ids, a hint not yet earned) and a re-sent attempt the server already holds. They store
nothing, so they cannot fill the disk, which is what the quota bounds; counting them would need a
transaction of their own that commits when the request fails, the very cost this module removes.
Their CPU is bounded by MAX_REQUEST_BYTES and the JSON checks at the edge; requests that are not
signed in never reach a service (every write endpoint requires a sign-in).
"""

from __future__ import annotations

import functools
import time

import sqlalchemy as sa
from flask import current_app
from limits import parse_many
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from .errors import QuotaExceeded
from .extensions import db
from .models import WriteQuotaUsage

DAY_S = 24 * 3600
TOO_MANY_REQUESTS = "You have saved very much in the last hour; wait a while, then try again."
TOO_MANY_BYTES = "You have sent the most this account may store in a day; try again tomorrow."
UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@functools.cache
def request_quota(text: str) -> tuple[int, int]:
    """ACCOUNT_WRITE_LIMIT ("2000 per hour", the `limits` notation) as (requests, window in
    seconds); a ValueError names what is wrong."""
    try:
        items = parse_many(text)
    except ValueError:
        items = []
    if len(items) != 1:
        raise ValueError(f"{text!r} is not one limit such as '2000 per hour'")
    return items[0].amount, items[0].get_expiry()


def check_config(config: dict) -> None:
    """Refuse quota settings that cannot be read (at start-up, not on a learner's write)."""
    request_quota(str(config["ACCOUNT_WRITE_LIMIT"]))
    if int(config["ACCOUNT_BYTES_PER_DAY"]) < 1:
        raise ValueError("ACCOUNT_BYTES_PER_DAY must be a positive number of bytes")


def charge_write(user_id: int, size: int, now: float | None = None) -> None:
    """Count one write request of `size` bytes against the account's quotas, in the session's
    transaction; over either quota, roll the transaction back and raise QuotaExceeded (429)."""
    config = current_app.config
    max_requests, window_s = request_quota(config["ACCOUNT_WRITE_LIMIT"])
    max_bytes = config["ACCOUNT_BYTES_PER_DAY"]
    now = time.time() if now is None else now
    requests_since = int(now // window_s * window_s)
    bytes_since = int(now // DAY_S * DAY_S)
    # On the session's connection, so in the write's transaction: the charge commits (or rolls
    # back) with what it charges.
    connection = db.session.connection()
    requests, written = connection.execute(charge_statement(connection.dialect.name), {
        "user_id": user_id, "requests_since": requests_since, "bytes_since": bytes_since,
        "size": size,
    }).one()
    if requests > max_requests:
        db.session.rollback()
        raise QuotaExceeded(TOO_MANY_REQUESTS, round(requests_since + window_s - now))
    if written > max_bytes:
        db.session.rollback()
        raise QuotaExceeded(TOO_MANY_BYTES, round(bytes_since + DAY_S - now))


@functools.cache
def charge_statement(dialect: str) -> sa.Executable:
    """The charge: one atomic upsert of the usage row, returning (requests, bytes) in the
    current windows. Built once per dialect."""
    t = WriteQuotaUsage.__table__
    insert = UPSERTS[dialect](t).values(
        user_id=sa.bindparam("user_id", type_=sa.Integer()),
        requests_since=sa.bindparam("requests_since", type_=sa.BigInteger()),
        requests=1,
        bytes_since=sa.bindparam("bytes_since", type_=sa.BigInteger()),
        bytes=sa.bindparam("size", type_=sa.BigInteger()),
    )
    new = insert.excluded
    # A window starts again only when the request's window is newer than the stored one: a
    # process whose clock runs a little behind another's adds to the newer window instead of
    # resetting it.
    new_hour = new.requests_since > t.c.requests_since
    new_day = new.bytes_since > t.c.bytes_since
    return insert.on_conflict_do_update(
        index_elements=[t.c.user_id],
        set_={
            "requests": sa.case((new_hour, new.requests), else_=t.c.requests + new.requests),
            "requests_since": sa.case((new_hour, new.requests_since), else_=t.c.requests_since),
            "bytes": sa.case((new_day, new.bytes), else_=t.c.bytes + new.bytes),
            "bytes_since": sa.case((new_day, new.bytes_since), else_=t.c.bytes_since),
        },
    ).returning(t.c.requests, t.c.bytes)
