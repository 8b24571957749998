"""The journal page, the exports and account deletion: each learner sees and removes only their
own data."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import zipfile
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.journal.insights import build_journal
from app.models import Attempt
from app.models import Exercise
from app.models import FrictionEvent
from app.models import JournalEntry
from app.models import StudySession
from app.models import User
from tests.conftest import PASSWORD
from tests.conftest import RIGHT_ADDER
from tests.conftest import confirm_passes
from tests.integration.test_attempts import attempt
from tests.integration.test_attempts import verdict

A_EMAIL, B_EMAIL = "ada@example.org", "bob@example.org"
A_WORDS = "Ada-private: I subtract instead of adding"
B_WORDS = "Bob-private: my loop never ends"


def passing():
    return attempt(files=RIGHT_ADDER, verdict=verdict(status="passed", passed=2, total=2))


def reflection(words: str) -> dict:
    return {
        "kind": "after_failure",
        "exercise_id": "fixture-add",
        "error_in_own_words": words,
        "cause_guess": "the operator",
    }


def practise(client, words: str) -> list[str]:
    """Fail twice, reflect, pass: through the real endpoints. Returns the attempt ids."""
    bodies = [attempt(), attempt()]
    for body in bodies:
        assert client.post("/api/attempts", json=body).status_code == 201
    assert client.post("/api/journal", json=reflection(words)).status_code == 201
    bodies.append(passing())
    assert client.post("/api/attempts", json=bodies[-1]).status_code == 201
    return [b["id"] for b in bodies]


@pytest.fixture
def two_learners(client, auth):
    """Ada and Bob have both practised; Bob is signed in at the end."""
    auth.signup(email=A_EMAIL, name="Ada")
    ada_ids = practise(client, A_WORDS)
    auth.logout()
    auth.signup(email=B_EMAIL, name="Bob")
    bob_ids = practise(client, B_WORDS)
    return ada_ids, bob_ids


def user_id(app, email: str) -> int | None:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def own_counts(app, uid: int) -> dict[str, int]:
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(
                sa.select(sa.func.count(model.id)).where(model.user_id == uid)
            )
            for model in (Attempt, JournalEntry, FrictionEvent, StudySession)
        }


# ---- the page ------------------------------------------------------------------------------


def test_the_journal_needs_a_login(client):
    response = client.get("/journal")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/journal/export.json").status_code == 302
    assert client.post("/account/delete").status_code == 302


def test_nav_links_to_the_journal_when_signed_in(client, auth):
    assert b'href="/journal"' not in client.get("/").data
    auth.signup()
    assert b'href="/journal"' in client.get("/").data


def test_an_empty_journal_says_what_to_do_next(client, auth):
    auth.signup()
    html = client.get("/journal").get_data(as_text=True)
    assert "Nothing here yet" in html and "Pick an exercise" in html
    assert "Download as JSON" in html  # data rights hold even with no data


def test_timeline_shows_failed_and_passed_checks_and_the_reflection(app, client, auth):
    auth.signup()
    practise(client, A_WORDS)
    confirm_passes(app)  # "solved" counts a pass once the server's re-check agrees
    html = client.get("/journal").get_data(as_text=True)
    assert html.count('class="mark mark-fail"') == 2
    assert html.count('class="mark mark-pass"') == 1
    assert 'class="mark mark-entry"' in html
    assert "Check failed" in html and "Check passed" in html
    assert "Reflection after a failed check" in html
    assert A_WORDS in html
    assert "Solved in 3 checks" in html
    assert "This week you solved 1 exercise; it took 3 checks" in html
    chart = json.loads(
        re.search(r'id="journal-chart-data">(.*?)</script>', html, re.S).group(1)
    )
    assert [point["y"] for point in chart["solves"]] == [3]  # solved in 3 checks
    assert 'src="/static/dist/journal.js' in html
    assert "1</span> day in a row" in html


def test_a_chart_with_nothing_to_plot_says_so_instead_of_empty_axes(app, client, auth):
    auth.signup()
    practise(client, A_WORDS)  # a study session of three checks; its pass not confirmed yet
    html = client.get("/journal").get_data(as_text=True)
    assert 'id="chart-eq"' in html  # the session's struggle score is plotted
    assert 'id="chart-solves"' not in html
    assert "No exercise solved yet" in html
    confirm_passes(app)
    html = client.get("/journal").get_data(as_text=True)
    assert 'id="chart-solves"' in html and "No exercise solved yet" not in html


def test_a_script_in_a_reflection_is_escaped_everywhere(client, auth):
    auth.signup()
    practise(client, '<script>alert("journal")</script>')
    html = client.get("/journal").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html


def test_free_notes_are_rendered_as_sanitised_markdown(app, client, auth):
    auth.signup()
    note = {"kind": "free", "text": "**bold** <img src=x onerror=alert(1)>"}
    assert client.post("/api/journal", json=note).status_code == 201
    html = client.get("/journal").get_data(as_text=True)
    assert "<strong>bold</strong>" in html
    assert "<img" not in html


def test_learner_b_sees_none_of_learner_a(client, two_learners):
    html = client.get("/journal").get_data(as_text=True)
    assert B_WORDS in html
    assert A_WORDS not in html
    assert html.count('class="mark mark-fail"') == 2  # Bob's two, not Ada's too


def test_journal_services_are_scoped_to_one_user(app, two_learners):
    ada, bob = user_id(app, A_EMAIL), user_id(app, B_EMAIL)
    with app.app_context():
        page = build_journal(bob, None)
        texts = [e.error_in_own_words for e in page.entries]
        assert texts == [B_WORDS]
        assert [t.checks for t in page.timelines] == [3]
        assert {e.user_id for e in page.entries} == {bob}
        assert build_journal(ada, None).entries[0].error_in_own_words == A_WORDS


# ---- filters -------------------------------------------------------------------------------


@pytest.fixture
def two_tracks(app, client, auth):
    """A signed-in learner with work on the fixture track and on a second, database-only one."""
    auth.signup()
    practise(client, A_WORDS)
    uid = user_id(app, "learner@example.org")
    with app.app_context():
        db.session.add(Exercise(id="other-ex", track="other", title="Other thing", version="v1"))
        db.session.flush()  # foreign keys are enforced: the exercise row must exist first
        now = datetime.now(UTC)
        db.session.add(
            Attempt(
                client_id=str(uuid.uuid4()),
                user_id=uid,
                exercise_id="other-ex",
                exercise_version="v1",
                kind="check",
                files={"x.py": ""},
                code_hash="h",
                status="failed",
                first_failure="other test",
                verdict={},
                client_created_at=now,
                created_at=now,
            )
        )
        db.session.add(
            JournalEntry(
                user_id=uid,
                exercise_id="other-ex",
                kind="plan",
                goal="Plan for the other one",
                created_at=now,
            )
        )
        db.session.commit()


def test_track_filter(client, two_tracks):
    everything = client.get("/journal").get_data(as_text=True)
    assert "Other thing" in everything and "Add two numbers" in everything
    basics = client.get("/journal?track=basics").get_data(as_text=True)
    assert "Plan for the other one" not in basics and A_WORDS in basics
    assert "timeline-card" in basics and "Other thing" not in basics.split("Timeline per")[1]
    other = client.get("/journal?track=other").get_data(as_text=True)
    assert "Plan for the other one" in other and A_WORDS not in other


def test_kind_filter(client, two_tracks):
    plans = client.get("/journal?kind=plan").get_data(as_text=True)
    assert "Plan for the other one" in plans and A_WORDS not in plans
    nothing = client.get("/journal?kind=break").get_data(as_text=True)
    assert "No entries match these filters" in nothing


def test_unknown_filters_are_explained_not_errors(client, two_tracks):
    response = client.get("/journal?track=zzz&kind=%3Cscript%3E")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "all tracks are shown" in html and "all kinds are shown" in html


# ---- weekly summary and streak on time-travelled rows --------------------------------------


def test_summary_and_streak_on_hand_built_rows(app, client, auth):
    auth.signup()
    uid = user_id(app, "learner@example.org")
    now = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    with app.app_context():
        db.session.add(Exercise(id="ex-a", track="t", title="A", version="v"))
        db.session.add(Exercise(id="ex-b", track="t", title="B", version="v"))
        db.session.flush()  # foreign keys are enforced: the exercise rows must exist first

        def check(exercise_id: str, at: datetime, passed: bool, failure: str | None = None):
            db.session.add(
                Attempt(
                    client_id=str(uuid.uuid4()),
                    user_id=uid,
                    exercise_id=exercise_id,
                    exercise_version="v",
                    kind="check",
                    files={},
                    code_hash="h",
                    status="passed" if passed else "failed",
                    passed=passed,
                    verified=passed,  # a pass the server's re-check confirmed
                    first_failure=failure,
                    verdict={},
                    client_created_at=at,
                    created_at=at,
                )
            )

        # Three days in a row ending yesterday, and a day two weeks ago.
        for n, at in enumerate(now - timedelta(days=d) for d in (3, 2, 1)):
            check("ex-a", at, False, "adds negatives")
            if n == 2:
                check("ex-a", at + timedelta(minutes=1), False, "adds negatives")
                check("ex-a", at + timedelta(minutes=2), True)
        check("ex-b", now - timedelta(days=14), True)
        db.session.commit()
        page = build_journal(uid, None, now=now)
    assert page.summary.text == (
        "This week you solved 1 exercise; it took 5 checks; "
        "your most common stuck point was “adds negatives” (4 times)."
    )
    assert (page.streaks.current, page.streaks.longest, page.streaks.days) == (3, 3, 4)
    assert not page.streaks.practised_today
    assert [(s.exercise_id, s.checks) for s in page.solves] == [("ex-b", 1), ("ex-a", 5)]


# ---- export --------------------------------------------------------------------------------


def test_json_export_holds_exactly_my_rows(app, client, two_learners):
    _, bob_ids = two_learners
    bob = user_id(app, B_EMAIL)
    response = client.get("/journal/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and re.search(
        r'filename="?friction-lab-export-\d{4}-\d\d-\d\d\.json', disposition
    )
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["account"]["email"] == B_EMAIL
    assert "password_hash" not in json.dumps(data)
    assert [a["client_id"] for a in data["attempts"]] == bob_ids
    assert data["attempts"][0]["files"] == {"adder.py": "def add(a, b):\n    return a - b\n"}
    assert data["attempts"][-1]["verdict"]["status"] == "passed"
    assert [e["error_in_own_words"] for e in data["journal_entries"]] == [B_WORDS]
    with app.app_context():
        for table, model in (
            ("attempts", Attempt),
            ("journal_entries", JournalEntry),
            ("friction_events", FrictionEvent),
            ("study_sessions", StudySession),
        ):
            mine = set(db.session.scalars(sa.select(model.id).where(model.user_id == bob)))
            assert {row["id"] for row in data[table]} == mine, table
            assert all(row["user_id"] == bob for row in data[table])
    assert A_WORDS not in response.get_data(as_text=True)


def test_csv_export_is_a_zip_of_one_csv_per_table_with_exactly_my_rows(app, client, two_learners):
    _, bob_ids = two_learners
    bob = user_id(app, B_EMAIL)
    response = client.get("/journal/export.csv")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert re.search(
        r'attachment; filename="?friction-lab-export-[\d-]+\.csv\.zip',
        response.headers["Content-Disposition"],
    )
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == [
        "README.txt",
        "account.csv",
        "attempts.csv",
        "course_memberships.csv",
        "courses_owned.csv",
        "dashboard_exercise_totals.csv",
        "dashboard_failure_tallies.csv",
        "dashboard_session_struggle.csv",
        "friction_events.csv",
        "hint_events.csv",
        "journal_entries.csv",
        "server_rechecks.csv",
        "study_sessions.csv",
        "tutor_turns.csv",
        "write_quota_usage.csv",
    ]

    def table(name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode())))

    assert [r["email"] for r in table("account.csv")] == [B_EMAIL]
    attempts = table("attempts.csv")
    assert [r["client_id"] for r in attempts] == bob_ids
    assert json.loads(attempts[0]["files"]) == {"adder.py": "def add(a, b):\n    return a - b\n"}
    assert attempts[-1]["passed"] == "true"
    assert [r["error_in_own_words"] for r in table("journal_entries.csv")] == [B_WORDS]
    assert {r["user_id"] for r in table("friction_events.csv")} <= {str(bob)}
    assert len(table("friction_events.csv")) == own_counts(app, bob)["friction_event"]
    assert len(table("study_sessions.csv")) == own_counts(app, bob)["study_session"]
    assert [r["user_id"] for r in table("write_quota_usage.csv")] == [str(bob)]
    assert A_WORDS not in response.data.decode("latin-1")


# ---- delete --------------------------------------------------------------------------------


def test_delete_page_says_what_will_go(client, auth):
    auth.signup()
    practise(client, A_WORDS)
    html = client.get("/account/delete").get_data(as_text=True)
    assert "3 runs and checks, 1 journal entry" in html
    assert "Type your email to confirm" in html


def test_delete_removes_everything_of_mine_and_nothing_of_another(app, client, auth, two_learners):
    ada, bob = user_id(app, A_EMAIL), user_id(app, B_EMAIL)
    ada_before = own_counts(app, ada)
    bob_before = own_counts(app, bob)
    assert all(bob_before.values()) and all(ada_before.values())
    response = client.post("/account/delete", data={"email": " BOB@example.org "})
    assert response.status_code == 302
    assert user_id(app, B_EMAIL) is None
    assert own_counts(app, bob) == {t: 0 for t in bob_before}
    assert own_counts(app, ada) == ada_before
    assert user_id(app, A_EMAIL) == ada
    with app.app_context():
        assert db.session.get(Exercise, "fixture-add") is not None  # shared rows stay
    # Signed out, told what was deleted.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your account and all your data are deleted: 3 runs and checks, 1 journal entry" in page
    assert client.get("/journal").status_code == 302
    refused = auth.login(email=B_EMAIL, password=PASSWORD)  # there is no such account any more
    assert refused.status_code == 400 and b"do not match" in refused.data


def test_a_wrong_email_deletes_nothing(app, client, two_learners):
    bob = user_id(app, B_EMAIL)
    before = own_counts(app, bob)
    response = client.post("/account/delete", data={"email": A_EMAIL})
    assert response.status_code == 400
    assert "nothing was deleted" in response.get_data(as_text=True)
    assert own_counts(app, bob) == before
    assert client.post("/account/delete", data={}).status_code == 400
    assert user_id(app, B_EMAIL) == bob


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_delete_needs_a_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client.get("/auth/signup").get_data(as_text=True))
    client.post(
        "/auth/signup",
        data={
            "csrf_token": token,
            "display_name": "Ada",
            "email": A_EMAIL,
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert user_id(app, A_EMAIL) is not None
    refused = client.post("/account/delete", data={"email": A_EMAIL})
    assert refused.status_code == 400
    assert user_id(app, A_EMAIL) is not None
    token = csrf_token(client.get("/account/delete").get_data(as_text=True))
    accepted = client.post("/account/delete", data={"email": A_EMAIL, "csrf_token": token})
    assert accepted.status_code == 302
    assert user_id(app, A_EMAIL) is None
