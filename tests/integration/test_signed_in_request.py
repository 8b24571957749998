"""What every signed-in request costs before the view runs: the account is read once, by the
session secret its cookie holds, and nothing else is sent or re-read for it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD
from tests.conftest import AuthActions
from tests.integration.test_attempt_path import statements_during

# PostgreSQL's dialect quotes the reserved name, SQLite's does not.
ACCOUNT_TABLE = re.compile(r'\bFROM "?user"?(\s|$)')


def account_reads(statements):
    """The statements that read the account table."""
    return [s for s in statements
            if s.lstrip().upper().startswith("SELECT") and ACCOUNT_TABLE.search(s)]


def test_a_signed_in_request_reads_the_account_once_by_its_session_secret(app, client, auth):
    auth.signup()
    reads = account_reads(statements_during(app, lambda: client.get("/journal")))
    assert len(reads) == 1, reads
    assert "session_token" in reads[0].split("WHERE", 1)[1]


def test_a_commit_during_the_request_does_not_read_the_account_again(app, client, auth):
    """A view that saves and then names the learner (as a page's navigation bar does) reads
    the account once, not again after its commit."""

    @app.post("/test-only/save-then-greet")
    def save_then_greet():
        from flask_login import current_user

        db.session.execute(sa.update(User).where(User.id == current_user.id).values(role="learner"))
        db.session.commit()
        return {"greeting": f"Hello {current_user.display_name}"}

    auth.signup()
    replies = []
    statements = statements_during(
        app, lambda: replies.append(client.post("/test-only/save-then-greet"))
    )
    assert replies[0].get_json() == {"greeting": "Hello Ada"}
    reads = account_reads(statements)
    assert len(reads) == 1, reads


def test_the_signed_in_account_is_never_in_the_orm_session(app, client, auth):
    """A plain value: a commit cannot expire it, and a flush has nothing of it to inspect."""
    seen = {}

    @app.get("/test-only/who")
    def who():
        from flask_login import current_user

        seen["user"] = current_user._get_current_object()
        seen["in_session"] = list(db.session.identity_map.values())
        return {"id": current_user.id, "name": current_user.display_name}

    auth.signup()
    reply = client.get("/test-only/who")
    assert reply.status_code == 200
    assert reply.get_json()["name"] == "Ada"
    assert seen["in_session"] == []
    assert sa.inspect(seen["user"], raiseerr=False) is None


def signed_up_with_csrf(app):
    """A client signed up through the real forms with CSRF on, and the token the pages give
    their scripts for the API."""
    client = app.test_client()
    page = client.get("/auth/signup").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    reply = client.post("/auth/signup", data={
        "display_name": "Ada", "email": "ada@example.org", "password": PASSWORD,
        "confirm": PASSWORD, "csrf_token": form_token,
    })
    assert reply.status_code == 302
    page = client.get("/journal").get_data(as_text=True)
    return client, re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def test_signed_in_api_posts_send_no_cookie(app_factory):
    """Only a sign-in, a sign-out or a new CSRF secret changes the cookies: every attempt and
    journal entry after that is answered without re-signing and re-sending them."""
    client, token = signed_up_with_csrf(app_factory(WTF_CSRF_ENABLED=True))
    for _ in range(2):
        reply = client.post("/api/journal", json={"kind": "free", "text": "a note"},
                            headers={"X-CSRFToken": token})
        assert reply.status_code == 201, reply.get_json()
        assert reply.headers.getlist("Set-Cookie") == []
    reply = client.post("/api/journal", json={"kind": "free", "text": "no token"})
    assert reply.status_code == 400  # the check still runs


def test_a_json_body_is_not_run_through_the_form_parser(app_factory, monkeypatch):
    """The CSRF check reads request.form before the header: for a JSON body that found
    nothing, at a cost on every attempt. Forms (sign-up, login) are still parsed."""
    from werkzeug.formparser import FormDataParser

    parsed = []
    real_parse = FormDataParser.parse
    monkeypatch.setattr(
        FormDataParser, "parse", lambda self, *args, **kw: parsed.append(args[1])
        or real_parse(self, *args, **kw),
    )
    client, token = signed_up_with_csrf(app_factory(WTF_CSRF_ENABLED=True))
    assert parsed == ["application/x-www-form-urlencoded"]  # the sign-up form
    reply = client.post("/api/journal", json={"kind": "free", "text": "a note"},
                        headers={"X-CSRFToken": token})
    assert reply.status_code == 201
    assert parsed == ["application/x-www-form-urlencoded"]
    reply = client.post("/api/journal", json={"kind": "free", "text": "a note"},
                        headers={"X-CSRFToken": "forged"})
    assert reply.status_code == 400


def test_a_json_reply_gets_the_policy_without_a_style_nonce(app, client, auth):
    """A nonce names inline styles a rendered page may use: a JSON reply has none, so none is
    made for it, and its policy allows no inline style at all."""
    auth.signup()
    reply = client.post("/api/journal", json={"kind": "free", "text": "a note"})
    assert reply.status_code == 201
    policy = reply.headers["Content-Security-Policy"]
    assert "style-src 'self';" in policy and "nonce-" not in policy
    assert reply.headers["Cross-Origin-Embedder-Policy"] == "require-corp"


def test_a_page_names_its_style_nonce_in_its_policy(app, client, auth):
    auth.signup()
    reply = client.get("/journal")
    nonce = re.search(r'name="csp-nonce" content="([^"]+)"', reply.get_data(as_text=True))
    assert nonce and f"style-src 'self' 'nonce-{nonce.group(1)}'" in (
        reply.headers["Content-Security-Policy"]
    )
    assert client.get("/journal").headers["Content-Security-Policy"] != (
        reply.headers["Content-Security-Policy"]
    )  # a fresh nonce for every page


def test_a_security_header_the_view_set_itself_is_kept(app, client):
    @app.get("/test-only/own-header")
    def own_header():
        return "ok", 200, {"Referrer-Policy": "no-referrer"}

    reply = client.get("/test-only/own-header")
    assert reply.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def pg_app(app_factory, new_database_url, database_engine, monkeypatch):
    """The app on PostgreSQL configured as a deployment does, from DATABASE_URL."""
    if database_engine != "postgresql":
        pytest.skip("a SQLite connection is a file: the server cannot end it, nor be pinged")
    url = new_database_url()
    monkeypatch.setenv("DATABASE_URL", url)
    return app_factory(SQLALCHEMY_DATABASE_URI=url)


@pytest.fixture
def pg_client(pg_app):
    """A client of pg_app, signed up."""
    client = pg_app.test_client()
    AuthActions(client).signup()
    return client


def pooled_backends_ended(app) -> None:
    """End every server process of the app's database but ours, as a restart would, and wait
    until the server has let them go."""
    with app.app_context():
        url = db.engine.url
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    try:
        with admin.connect() as connection:
            others = (
                "FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            ended = connection.execute(sa.text(f"SELECT pg_terminate_backend(pid) {others}"))
            assert all(row[0] for row in ended)
            # No fixed sleep: poll until the server has removed them (they exit at once).
            while connection.execute(sa.text(f"SELECT count(*) {others}")).scalar():
                connection.execute(sa.text("SELECT pg_sleep(0.01)"))
    finally:
        admin.dispose()


def pings_during(app, monkeypatch, action) -> int:
    """How many times a pooled connection is pinged while `action` runs."""
    with app.app_context():
        dialect = db.engine.dialect
    pings = []
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda c: pings.append(c) or real_ping(c))
    action()
    monkeypatch.setattr(dialect, "do_ping", real_ping)
    return len(pings)


def test_a_connection_used_a_moment_ago_is_handed_out_without_a_round_trip(
    pg_app, pg_client, monkeypatch
):
    """pool_pre_ping cost every request one more round trip to PostgreSQL."""
    assert pg_client.get("/journal").status_code == 200
    assert pings_during(pg_app, monkeypatch, lambda: pg_client.get("/journal")) == 0


def test_a_connection_the_server_ended_is_replaced_before_a_request_uses_it(pg_app, pg_client):
    assert api_entry(pg_client).status_code == 201
    pooled_backends_ended(pg_app)
    for _ in range(3):
        assert api_entry(pg_client).status_code == 201


def test_a_connection_idle_for_long_is_pinged_and_replaced_when_dead(
    pg_app, pg_client, monkeypatch
):
    """When the server vanished without a word on the socket (a database container replaced,
    a dropped network), the ping of a connection that sat idle finds out before the request."""
    import app.extensions as extensions

    assert api_entry(pg_client).status_code == 201
    monkeypatch.setattr(extensions, "server_hung_up", lambda connection: False, raising=False)
    monkeypatch.setattr(extensions, "PING_WHEN_IDLE_S", 0.0, raising=False)
    pooled_backends_ended(pg_app)
    assert pings_during(pg_app, monkeypatch, lambda: api_entry(pg_client)) >= 1
    assert api_entry(pg_client).status_code == 201


def api_entry(client):
    """A free journal entry through the API, as the journal page posts one."""
    return client.post("/api/journal", json={"kind": "free", "text": "a note"})
