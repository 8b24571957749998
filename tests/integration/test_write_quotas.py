"""Per-account write quotas (app/quotas.py): counted in the write's own transaction, on every
write endpoint; a refused request stores nothing and uses up nothing; windows roll over on the
clock hour and the UTC day; accounts never share a quota; concurrent writes are counted exactly."""

from __future__ import annotations

import json
import threading
from datetime import UTC
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.errors import QuotaExceeded
from app.extensions import db
from app.models import Attempt
from app.models import User
from app.models import WriteQuotaUsage
from app.quotas import TOO_MANY_BYTES
from app.quotas import TOO_MANY_REQUESTS
from app.quotas import charge_write
from app.quotas import check_config
from tests.conftest import AuthActions
from tests.integration.test_accounts_trust import rows_per_user_table
from tests.integration.test_attempts import attempt
from tests.integration.test_hints_api import URL as HINTS_URL
from tests.integration.test_hints_api import earn_first_hint

ROOMY = "1000 per hour"


def writes():
    """One valid request per write endpoint: (url, body builder)."""
    return {
        "attempt": ("/api/attempts", lambda: attempt()),
        "journal": ("/api/journal", lambda: {"kind": "free", "text": "a note"}),
        "friction": (
            "/api/exercises/fixture-add/friction",
            lambda: {"files": {"adder.py": "v3"}, "moment": "before_check"},
        ),
        "friction-event": (
            "/api/friction-events",
            lambda: {"exercise_id": "fixture-add", "rule": "F6", "action": "break_taken"},
        ),
        "hint": (HINTS_URL, lambda: {"level": 1, "stuck_text": "I keep subtracting"}),
    }


def user_id(app, email="learner@example.org") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def usage(app, uid) -> tuple[int, int] | None:
    """The account's (requests, bytes) in its stored windows, or None without a row."""
    with app.app_context():
        row = db.session.get(WriteQuotaUsage, uid)
        return (row.requests, row.bytes) if row else None


def stored_everywhere(app, uid) -> dict:
    """Every row the account holds (walking the schema) and its quota usage."""
    return {**rows_per_user_table(app, uid), "usage": usage(app, uid)}


@pytest.mark.parametrize("endpoint", list(writes()))
def test_every_write_endpoint_is_refused_over_either_quota_and_stores_nothing(
    app_factory, endpoint
):
    app = app_factory(ACCOUNT_WRITE_LIMIT=ROOMY)
    client = app.test_client()
    AuthActions(client).signup()
    earn_first_hint(client)  # so the hint request is one the server would grant
    uid = user_id(app)
    url, body = writes()[endpoint]
    requests, written = usage(app, uid)

    app.config["ACCOUNT_WRITE_LIMIT"] = f"{requests} per hour"
    before = stored_everywhere(app, uid)
    response = client.post(url, json=body())
    assert response.status_code == 429
    assert response.get_json()["message"] == TOO_MANY_REQUESTS
    assert 1 <= int(response.headers["Retry-After"]) <= 3600
    assert stored_everywhere(app, uid) == before

    app.config["ACCOUNT_WRITE_LIMIT"] = ROOMY
    app.config["ACCOUNT_BYTES_PER_DAY"] = written + 10  # less than any of these bodies
    response = client.post(url, json=body())
    assert response.status_code == 429
    assert response.get_json()["message"] == TOO_MANY_BYTES
    assert 1 <= int(response.headers["Retry-After"]) <= 24 * 3600
    assert stored_everywhere(app, uid) == before

    # The same request within both quotas is stored, and charged once.
    app.config["ACCOUNT_BYTES_PER_DAY"] = 50 * 1024 * 1024
    data = body()
    response = client.post(url, json=data)
    assert response.status_code in (200, 201), response.get_json()
    assert usage(app, uid)[0] == requests + 1
    assert usage(app, uid)[1] > written


def test_requests_refused_before_the_charge_do_not_count(app_factory):
    app = app_factory(ACCOUNT_WRITE_LIMIT="2 per hour")
    client = app.test_client()
    AuthActions(client).signup()
    refused = [
        client.post("/api/attempts", data="{not json", content_type="application/json"),
        client.post("/api/attempts", json=attempt(exercise_id="no-such-exercise")),
        client.post("/api/journal", json={"kind": "plan"}),
        client.post("/api/friction-events", json={"rule": "F6"}),
        client.post(HINTS_URL, json={"level": 1, "stuck_text": "stuck"}),  # not earned yet
    ]
    assert [r.status_code for r in refused] == [400, 404, 400, 400, 403]
    assert usage(app, user_id(app)) is None
    body = attempt()
    codes = [client.post("/api/attempts", json=b).status_code
             for b in (body, body, attempt(), attempt())]
    # A re-sent attempt (the offline queue's retry) is answered from what is stored, uncharged.
    assert codes == [201, 200, 201, 429]


def test_a_refused_request_does_not_use_up_the_quota(app_factory):
    app = app_factory(ACCOUNT_BYTES_PER_DAY=20_000)
    client = app.test_client()
    AuthActions(client).signup()
    sized = [attempt(files={"adder.py": "# " + "x" * n}) for n in (8_000, 8_000, 6_000, 2_000)]
    codes = [client.post("/api/attempts", json=body).status_code for body in sized]
    # The third would not fit and is refused; the smaller fourth still fits in what is left.
    assert codes == [201, 201, 429, 201]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 3


def test_two_accounts_do_not_share_a_quota(app_factory):
    app = app_factory(ACCOUNT_WRITE_LIMIT="2 per hour", ACCOUNT_BYTES_PER_DAY=20_000)
    ada, bob = app.test_client(), app.test_client()
    AuthActions(ada).signup(email="ada@example.org")
    AuthActions(bob).signup(email="bob@example.org")
    big = {"adder.py": "# " + "x" * 15_000}
    assert ada.post("/api/attempts", json=attempt(files=big)).status_code == 201
    assert ada.post("/api/attempts", json=attempt(files=big)).status_code == 429  # Ada's bytes
    assert bob.post("/api/attempts", json=attempt(files=big)).status_code == 201  # not Bob's
    note = {"kind": "free", "text": "a note"}
    assert ada.post("/api/journal", json=note).status_code == 201
    assert ada.post("/api/journal", json=note).status_code == 429  # Ada's requests too
    assert bob.post("/api/journal", json=note).status_code == 201
    ada_usage = usage(app, user_id(app, "ada@example.org"))
    bob_usage = usage(app, user_id(app, "bob@example.org"))
    assert ada_usage[0] == bob_usage[0] == 2
    assert ada_usage[1] == bob_usage[1]


def charges(app, uid, times, size=1):
    """Charge one write at each moment (seconds since the epoch); True where it was let in."""
    let_in = []
    with app.app_context():
        for now in times:
            try:
                charge_write(uid, size, now=now)
                db.session.commit()
                let_in.append(True)
            except QuotaExceeded:
                let_in.append(False)
    return let_in


def test_the_request_window_rolls_over_on_the_clock_hour(app_factory):
    app = app_factory(ACCOUNT_WRITE_LIMIT="3 per hour")
    AuthActions(app.test_client()).signup()
    uid = user_id(app)
    hour = datetime(2026, 11, 30, 10, tzinfo=UTC).timestamp()
    # 10:00:00, 10:30, 10:59:59 fill the hour; a fourth at 10:59:59 is refused; at 11:00:00 the
    # count starts again, and a late write from a process whose clock lags does not reset it.
    moments = [hour, hour + 1800, hour + 3599, hour + 3599, hour + 3600, hour + 3599,
               hour + 3700, hour + 3800]
    assert charges(app, uid, moments) == [True, True, True, False, True, True, True, False]
    with app.app_context():
        row = db.session.get(WriteQuotaUsage, uid)
        assert (row.requests_since, row.requests) == (hour + 3600, 3)
    with pytest.raises(QuotaExceeded) as refused, app.app_context():
        charge_write(uid, 1, now=hour + 3600 + 600)
    assert refused.value.retry_after == 3000  # until 12:00


def test_the_byte_window_rolls_over_at_midnight_utc(app_factory):
    app = app_factory(ACCOUNT_BYTES_PER_DAY=100)
    AuthActions(app.test_client()).signup()
    uid = user_id(app)
    midnight = datetime(2026, 12, 1, tzinfo=UTC).timestamp()
    moments = [midnight - 7200, midnight - 1, midnight - 1, midnight, midnight + 60]
    assert charges(app, uid, moments, size=45) == [True, True, False, True, True]
    with app.app_context():
        row = db.session.get(WriteQuotaUsage, uid)
        assert (row.bytes_since, row.bytes) == (midnight, 90)


def test_an_hour_later_the_learner_may_save_again(app_factory):
    app = app_factory(ACCOUNT_WRITE_LIMIT="2 per hour")
    client = app.test_client()
    AuthActions(client).signup()
    assert [client.post("/api/attempts", json=attempt()).status_code for _ in range(3)] == [
        201, 201, 429]
    with app.app_context():  # the clock moves on an hour: the stored window is the last one
        db.session.execute(sa.update(WriteQuotaUsage).values(
            requests_since=WriteQuotaUsage.requests_since - 3600))
        db.session.commit()
    assert [client.post("/api/attempts", json=attempt()).status_code for _ in range(3)] == [
        201, 201, 429]


def test_concurrent_writes_of_one_account_are_counted_exactly(app_factory):
    """Four browsers of one account post at once: exactly the quota is let in and stored, and
    the usage row counts every stored request and byte (no lost update, no double count)."""
    limit, browsers, each = 10, 4, 5
    app = app_factory(ACCOUNT_WRITE_LIMIT=f"{limit} per hour")
    # The catalog's rows, as a deployment syncs them (the first writes must not race to add them).
    assert app.test_cli_runner().invoke(args=["exercises", "sync"]).exit_code == 0
    AuthActions(app.test_client()).signup()
    clients = [app.test_client() for _ in range(browsers)]
    for client in clients:
        assert AuthActions(client).login().status_code == 302
    start = threading.Barrier(browsers)
    results: list[tuple[int, int]] = []  # (status, bytes sent)
    lock = threading.Lock()

    def post_all(client):
        start.wait()
        for n in range(each):
            body = json.dumps(attempt(files={"adder.py": "#" * (n * 7 + 1)})).encode()
            response = client.post("/api/attempts", data=body, content_type="application/json")
            with lock:
                results.append((response.status_code, len(body)))

    threads = [threading.Thread(target=post_all, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(code for code, _ in results)
    assert codes == [201] * limit + [429] * (browsers * each - limit)
    uid = user_id(app)
    with app.app_context():
        stored = db.session.scalar(
            sa.select(sa.func.count()).select_from(Attempt).where(Attempt.user_id == uid)
        )
        row = db.session.get(WriteQuotaUsage, uid)
        assert stored == row.requests == limit
        assert row.bytes == sum(size for code, size in results if code == 201)


def test_unreadable_quota_settings_stop_the_app_at_start_up():
    check_config({"ACCOUNT_WRITE_LIMIT": "2000 per hour", "ACCOUNT_BYTES_PER_DAY": 1})
    for limit in ("lots", "2000 per hour;10 per minute", ""):
        with pytest.raises(ValueError, match="is not one limit"):
            check_config({"ACCOUNT_WRITE_LIMIT": limit, "ACCOUNT_BYTES_PER_DAY": 1})
    with pytest.raises(ValueError, match="ACCOUNT_BYTES_PER_DAY"):
        check_config({"ACCOUNT_WRITE_LIMIT": "2000 per hour", "ACCOUNT_BYTES_PER_DAY": 0})


@pytest.mark.parametrize("endpoint", list(writes()))
def test_a_write_that_is_not_signed_in_is_refused_and_stores_nothing(app_factory, endpoint):
    """No write endpoint takes a request without a sign-in (the old per-address fallback of
    the quotas only ever counted these refusals), so none needs a quota per address."""
    app = app_factory()
    url, body = writes()[endpoint]
    response = app.test_client().post(url, json=body())
    assert response.status_code == 401
    with app.app_context():
        filled = [t.name for t in db.metadata.sorted_tables
                  if db.session.scalar(sa.select(sa.func.count()).select_from(t))]
    assert filled == []
