"""What every signed-in request costs before the view runs: the account is read once, by the
session secret its cookie holds, and nothing else is sent or re-read for it."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import User
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
