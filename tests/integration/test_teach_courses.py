"""Courses: an instructor creates one, learners join with its code, the instructor picks the
exercises; an instructor sees only their own courses and a learner sees none of this."""

from __future__ import annotations

import codecs
import csv
import io
import re

import pytest

from app.auth.services import create_user
from app.errors import NotAllowed
from app.errors import NotFound
from app.extensions import db
from app.models import CourseMember
from app.models import User
from app.teach import services
from tests.conftest import PASSWORD
from tests.integration.test_attempts import attempt
from tests.integration.test_attempts import verdict

TEACHER, OTHER_TEACHER, LEARNER = "teach@example.org", "other@example.org", "ada@example.org"
JOURNAL_WORDS = "Ada-private: I think the operator is backwards"


@pytest.fixture
def people(app):
    """Two instructors and one learner; returns their ids."""
    with app.app_context():
        ids = {
            "teacher": create_user(TEACHER, PASSWORD, "Tess", "instructor").id,
            "other": create_user(OTHER_TEACHER, PASSWORD, "Otto", "instructor").id,
            "learner": create_user(LEARNER, PASSWORD, "Ada").id,
        }
        db.session.commit()
    return ids


def create_course_via_form(client, auth, name="Patterns, autumn") -> tuple[int, str]:
    """Sign in as the teacher and create a course; return its id and join code."""
    auth.login(TEACHER)
    response = client.post("/teach", data={"name": name})
    assert response.status_code == 302
    course_id = int(re.search(r"/teach/(\d+)", response.headers["Location"]).group(1))
    page = client.get(f"/teach/{course_id}").get_data(as_text=True)
    code = re.search(r'class="join-code">([A-Z0-9]+)<', page).group(1)
    return course_id, code


def course_with_the_adder(client, auth) -> tuple[int, str]:
    """A course (as the teacher) holding the fixture exercise; its id and join code."""
    course_id, code = create_course_via_form(client, auth)
    client.post(
        f"/teach/{course_id}/settings",
        data={"part": "exercises", "exercise": ["fixture-add"], "position-fixture-add": "1"},
    )
    return course_id, code


def join_sharing_the_journal(client, auth, course_id: int, code: str) -> None:
    """Sign in as the learner, join the course with its code and share journal text with it."""
    auth.logout()
    auth.login(LEARNER)
    client.post("/courses", data={"code": code})
    client.post(f"/courses/{course_id}/sharing", data={f"share-{course_id}-shares_journal": "y"})


def test_instructor_creates_a_course_and_a_learner_joins_with_its_code(client, auth, people, app):
    course_id, code = create_course_via_form(client, auth)
    assert len(code) == services.JOIN_CODE_LENGTH
    response = client.post(
        f"/teach/{course_id}/settings",
        data={"part": "exercises", "exercise": ["fixture-add"], "position-fixture-add": "1"},
    )
    assert response.status_code == 302
    auth.logout()

    auth.login(LEARNER)
    wrong = client.post("/courses", data={"code": "NOPE-NOPE"})
    assert wrong.status_code == 400
    assert "No course has the join code" in wrong.get_data(as_text=True)
    # Codes are read aloud: lower case and a dash in the middle still join.
    typed = f"{code[:4].lower()}-{code[4:]}"
    assert client.post("/courses", data={"code": typed}).status_code == 302
    page = client.get("/courses").get_data(as_text=True)
    assert "Patterns, autumn" in page
    assert "Add two numbers" in page  # the exercise the course shows
    with app.app_context():
        members = db.session.query(CourseMember).filter_by(course_id=course_id).all()
        assert {(m.user_id, m.role) for m in members} == {
            (people["teacher"], "instructor"),
            (people["learner"], "learner"),
        }


def test_a_learner_sees_none_of_the_instructor_side(client, auth, people, app):
    course_id, code = create_course_via_form(client, auth)
    auth.logout()
    auth.login(LEARNER)
    client.post("/courses", data={"code": code})
    for url in (
        "/teach",
        f"/teach/{course_id}",
        f"/teach/{course_id}/summary.csv",
        f"/teach/{course_id}/settings",
        f"/teach/{course_id}/learner/{people['learner']}",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/teach", data={"name": "mine"}).status_code == 403
    with app.app_context(), pytest.raises(NotAllowed):
        services.courses_taught(people["learner"])


def test_an_instructor_sees_only_their_own_courses(client, auth, people, app):
    course_id, _ = create_course_via_form(client, auth, name="Tess's course")
    auth.logout()
    auth.login(OTHER_TEACHER)
    assert "Tess&#39;s course" not in client.get("/teach").get_data(as_text=True)
    for url in (
        f"/teach/{course_id}",
        f"/teach/{course_id}/summary.csv",
        f"/teach/{course_id}/settings",
        f"/teach/{course_id}/learner/{people['learner']}",
    ):
        assert client.get(url).status_code == 404, url
    with app.app_context():
        assert services.courses_taught(people["other"]) == []
        assert [c.id for c in services.courses_taught(people["teacher"])] == [course_id]
        with pytest.raises(NotFound):
            services.course_for_instructor(people["other"], course_id)
        with pytest.raises(NotFound):
            services.set_course_exercises(people["other"], course_id, [], app.extensions["catalog"])


def test_course_exercises_keep_the_chosen_order_and_refuse_unknown_ids(app, people):
    with app.app_context():
        course = services.create_course(people["teacher"], "Order")
        catalog = app.extensions["catalog"]
        assert services.set_course_exercises(
            people["teacher"], course.id, ["fixture-add", "fixture-add"], catalog
        ) == ["fixture-add"]
        assert services.course_exercise_ids(course.id) == ["fixture-add"]
        with pytest.raises(Exception, match="Not in the catalog: no-such-exercise"):
            services.set_course_exercises(
                people["teacher"], course.id, ["no-such-exercise"], catalog
            )
        assert services.course_exercise_ids(course.id) == ["fixture-add"]


def test_friction_overrides_are_checked_like_exercise_toml(client, auth, people, app):
    course_id, _ = create_course_via_form(client, auth)
    ok = client.post(
        f"/teach/{course_id}/settings", data={"part": "friction", "fr-eq_threshold": "0.7"}
    )
    assert ok.status_code == 302
    bad = client.post(
        f"/teach/{course_id}/settings", data={"part": "friction", "fr-cooldown_s": "-3"}
    )
    assert "Use a number of 0 or more." in bad.get_data(as_text=True)
    with app.app_context():
        course = services.course_for_instructor(people["teacher"], course_id)
        assert course.friction_overrides == {"eq_threshold": 0.7}
        with pytest.raises(Exception, match="unknown friction setting"):
            services.set_friction_overrides(people["teacher"], course_id, {"eq_treshold": 1})


def test_journal_text_reaches_the_instructor_only_after_the_learner_opts_in(
    client, auth, people, app
):
    course_id, code = course_with_the_adder(client, auth)
    auth.logout()
    auth.login(LEARNER)
    client.post("/courses", data={"code": code})
    assert client.post("/api/attempts", json=attempt()).status_code == 201
    body = {
        "kind": "after_failure",
        "exercise_id": "fixture-add",
        "error_in_own_words": JOURNAL_WORDS,
        "cause_guess": "the operator",
    }
    assert client.post("/api/journal", json=body).status_code == 201
    auth.logout()

    auth.login(TEACHER)
    learner_url = f"/teach/{course_id}/learner/{people['learner']}"
    page = client.get(learner_url).get_data(as_text=True)
    assert JOURNAL_WORDS not in page
    assert "has not shared their journal text" in page
    assert "1 entry written" in page
    assert "add(2, 3) gives 5" in page  # attempts are always visible
    auth.logout()

    auth.login(LEARNER)
    client.post(f"/courses/{course_id}/sharing", data={f"share-{course_id}-shares_journal": "y"})
    auth.logout()
    auth.login(TEACHER)
    assert JOURNAL_WORDS in client.get(learner_url).get_data(as_text=True)
    auth.logout()

    auth.login(LEARNER)
    client.post(f"/courses/{course_id}/sharing", data={f"share-{course_id}-shares_journal": ""})
    auth.logout()
    auth.login(TEACHER)
    assert JOURNAL_WORDS not in client.get(learner_url).get_data(as_text=True)


def test_the_learner_page_and_the_dashboard_say_things_in_words(client, auth, people, app):
    course_id, code = course_with_the_adder(client, auth)
    join_sharing_the_journal(client, auth, course_id, code)
    ran = {**verdict(status="passed", passed=0, total=0), "kind": "run"}
    run = attempt(kind="run", verdict=ran)
    assert client.post("/api/attempts", json=run).status_code == 201
    for _ in range(3):  # the same failure again and again: an early warning (EQ)
        assert client.post("/api/attempts", json=attempt()).status_code == 201
    body = {"kind": "after_failure", "exercise_id": "fixture-add",
            "error_in_own_words": "wrong sign", "cause_guess": "the operator"}
    assert client.post("/api/journal", json=body).status_code == 201
    auth.logout()

    auth.login(TEACHER)
    learner_url = f"/teach/{course_id}/learner/{people['learner']}"
    page = client.get(learner_url).get_data(as_text=True)
    checks = page[page.index("Runs and checks"):]
    assert ">Add two numbers</td>" in checks and "fixture-add" not in checks  # the title
    run_row = re.search(r"<tr>(?:(?!</tr>).)*<td class=\"nowrap\">run</td>(?:(?!</tr>).)*</tr>",
                        checks, re.S).group(0)
    assert "0/0" not in run_row and "–" in run_row  # a Run has no tests to count
    assert "Reflection after a failed check</span> on Add two numbers" in page
    assert "after_failure" not in page

    board = client.get(f"/teach/{course_id}").get_data(as_text=True)
    warning = board[board.index('id="table-early_warning"'):board.index('id="table-failing_tests"')]
    assert f'<a href="{learner_url}">Ada</a>' in warning  # straight to the learner to talk to
    journal = board[board.index('id="table-journal"'):]
    assert "<td>reflection after a failed check</td>" in journal and "after_failure" not in journal


def test_a_learners_page_counts_the_hints_they_asked_for(client, auth, people, app):
    from app.models import HintEvent

    course_id, code = course_with_the_adder(client, auth)
    auth.logout()
    auth.login(LEARNER)
    client.post("/courses", data={"code": code})
    assert client.post("/api/attempts", json=attempt()).status_code == 201
    auth.logout()
    with app.app_context():
        for level, said in ((1, "I flipped the sign"), (2, "Ada-private: still lost")):
            db.session.add(HintEvent(user_id=people["learner"], exercise_id="fixture-add",
                                     level=level, stuck_text=said))
        db.session.commit()

    auth.login(TEACHER)
    page = client.get(f"/teach/{course_id}/learner/{people['learner']}").get_data(as_text=True)
    exercises = page[page.index('id="table-exercises"'):page.index('id="journal-heading"')]
    header = re.findall(r'<th scope="col">([^<]*)</th>', exercises)
    row = re.findall(r"<td[^>]*>([^<]*)</td>", exercises)
    assert dict(zip(header, row, strict=True))["hints"] == "2"
    assert "Ada-private" not in page  # what they typed to get a hint is theirs


def test_the_dashboard_lists_each_learner_with_their_checks_and_solves(client, auth, people, app):
    course_id, code = course_with_the_adder(client, auth)
    auth.logout()
    with app.app_context():
        idle = create_user("idle@example.org", PASSWORD, "Ian").id
        db.session.commit()
    auth.login("idle@example.org")
    client.post("/courses", data={"code": code})  # joins, never checks
    auth.logout()
    auth.login(LEARNER)
    client.post("/courses", data={"code": code})
    for body in (attempt(), attempt(), attempt(verdict=verdict(status="passed", passed=2))):
        assert client.post("/api/attempts", json=body).status_code == 201
    auth.logout()

    auth.login(TEACHER)  # no fold by hand: reading the page folds what is pending
    rows = list(csv.reader(io.StringIO(csv_download(client, f"/teach/{course_id}/learners.csv"))))
    assert rows[0][:5] == ["learner id", "learner", "checks", "solved", "exercises started"]
    assert [r[:5] for r in rows[1:]] == [
        [str(people["learner"]), "Ada", "3", "1", "1"],
        [str(idle), "Ian", "0", "0", "0"],
    ]
    assert rows[2][5] == "–" and rows[1][6] == "no"
    board = client.get(f"/teach/{course_id}").get_data(as_text=True)
    assert re.search(r"·\s*2 learners\s*·", board)
    table = board[board.index('id="table-learners"'):]
    assert f'<a href="/teach/{course_id}/learner/{idle}">Ian</a>' in table
    # On the page the name links to the learner; their id is for the CSV only.
    header = re.findall(r'<th scope="col">([^<]*)</th>', table[:table.index("</thead>")])
    assert header[:4] == ["learner", "checks", "solved", "exercises started"]


def test_dashboard_counts_the_course_learners_checks_and_exports_csv(client, auth, people, app):
    course_id, code = course_with_the_adder(client, auth)
    auth.logout()
    auth.login(LEARNER)
    client.post("/courses", data={"code": code})
    for body in (attempt(), attempt(), attempt(verdict=verdict(status="passed", passed=2))):
        assert client.post("/api/attempts", json=body).status_code == 201
    auth.logout()
    # Another instructor's practice on the same exercise is not in the course.
    auth.login(OTHER_TEACHER)
    client.post("/api/attempts", json=attempt())
    auth.logout()

    auth.login(TEACHER)
    page = client.get(f"/teach/{course_id}")
    assert page.status_code == 200
    summary = list(csv.reader(io.StringIO(csv_download(client, f"/teach/{course_id}/summary.csv"))))
    figures = {row[0]: row[1] for row in summary[1:]}
    assert figures["completion rate"] == "100.0%"
    assert figures["first-check success"] == "0.0%"
    assert figures["checks to solve: median"] == "3"
    curve = list(
        csv.reader(io.StringIO(csv_download(client, f"/teach/{course_id}/success_curve.csv")))
    )
    assert curve == [
        ["checks", "solved", "share"],
        ["1", "0", "0.0%"],
        ["2", "0", "0.0%"],
        ["3", "1", "100.0%"],
    ]
    one = csv_download(client, f"/teach/{course_id}/exercise/fixture-add/failing_tests.csv")
    assert '"add(2, 3) gives 5",2,1' in one  # the failing test as the learner read it
    assert client.get(f"/teach/{course_id}/no_such_table.csv").status_code == 404
    assert client.get(f"/teach/{course_id}/exercise/not-in-course").status_code == 404


def csv_download(client, url: str) -> str:
    """A dashboard CSV as a spreadsheet reads it: UTF-8 with a byte-order mark."""
    raw = client.get(url).get_data()
    assert raw.startswith(codecs.BOM_UTF8), "Excel would read the file as ANSI without the BOM"
    return raw.decode("utf-8-sig")


def test_dashboard_csv_keeps_a_formula_like_name_as_text(client, auth, people, app):
    course_id, code = course_with_the_adder(client, auth)
    auth.logout()
    prank = '=HYPERLINK("http://evil.example","click")'
    with app.app_context():
        db.session.get(User, people["learner"]).display_name = prank
        db.session.commit()
    auth.login(LEARNER)
    client.post("/courses", data={"code": code})
    for _ in range(3):  # the same failure again and again: an early warning (EQ)
        assert client.post("/api/attempts", json=attempt()).status_code == 201
    auth.logout()

    auth.login(TEACHER)
    text = csv_download(client, f"/teach/{course_id}/early_warning.csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["learner id", "learner", "reasons"]
    # The id stays a number; the name is text a spreadsheet shows instead of running it.
    assert rows[1][:2] == [str(people["learner"]), "'" + prank]


def test_memberships_are_exported_and_deleted_with_the_account(client, auth, people, app):
    import json

    import sqlalchemy as sa

    from app.account.services import delete_account
    from app.models import Course
    from app.models import CourseExercise
    from app.models import FailureTally
    from app.models import LearnerExerciseStat
    from app.models import SessionStruggle

    course_id, code = course_with_the_adder(client, auth)
    join_sharing_the_journal(client, auth, course_id, code)
    assert client.post("/api/attempts", json=attempt()).status_code == 201
    exported = json.loads(client.get("/journal/export.json").data)
    assert [(m["course_id"], m["shares_journal"]) for m in exported["course_memberships"]] == [
        (course_id, True)
    ]
    deleted = client.post("/account/delete", data={"email": LEARNER})
    assert deleted.status_code == 302
    with app.app_context():
        assert db.session.scalars(
            sa.select(CourseMember.user_id).where(CourseMember.course_id == course_id)
        ).all() == [people["teacher"]]
        for model in (LearnerExerciseStat, SessionStruggle, FailureTally):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
        delete_account(people["teacher"])  # an instructor's courses go with them
        assert db.session.scalar(sa.select(sa.func.count(CourseMember.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Course.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(CourseExercise.course_id))) == 0


def test_each_position_box_is_named_after_its_exercise(client, auth, people):
    course_id, _ = create_course_via_form(client, auth)
    html = client.get(f"/teach/{course_id}/settings").get_data(as_text=True)
    # A screen reader hears "position of Add two numbers", not "position" once per exercise.
    label = re.search(
        r'<label>((?:(?!<label>).)*?)<input type="number" name="position-fixture-add"', html, re.S
    ).group(1)
    assert re.sub(r"<[^>]+>", "", label).split() == ["position", "of", "Add", "two", "numbers"]


def test_friction_thresholds_are_named_in_words_and_show_their_defaults(client, auth, people):
    course_id, _ = create_course_via_form(client, auth)
    client.post(f"/teach/{course_id}/settings", data={"part": "friction", "fr-cooldown_s": "3"})
    html = client.get(f"/teach/{course_id}/settings").get_data(as_text=True)
    label = re.search(r'<label for="fr-cooldown_s">([^<]*)</label>', html).group(1)
    assert label == "The wait before the next check (F2, seconds)"  # not "cooldown s"
    cooldown = re.search(r'<input[^>]*id="fr-cooldown_s"[^>]*>', html).group(0)
    assert 'placeholder="20"' in cooldown and 'value="3.0"' in cooldown
    # An empty box shows the default it keeps.
    hints = re.search(r'<input[^>]*id="fr-hint_genuine_failures"[^>]*>', html).group(0)
    assert 'placeholder="2"' in hints and 'value=""' in hints


def test_a_courses_friction_tuning_applies_to_its_learners_only(client, auth, people, app):
    """The instructor raises the failures before a reflection to 4: two failures no longer ask
    the course's learner to reflect, while a learner outside the course is asked as before."""
    course_id, code = course_with_the_adder(client, auth)
    client.post(
        f"/teach/{course_id}/settings",
        data={"part": "friction", "fr-reflect_after_failures": "4"},
    )
    auth.logout()

    def asked_to_reflect_after_two_failures() -> bool:
        for n in (1, 2):
            body = attempt(
                files={"adder.py": f"v{n}"}, verdict=verdict(status="failed", passed=1, total=2)
            )
            assert client.post("/api/attempts", json=body).status_code == 201
        body = {"files": {"adder.py": "v3"}, "moment": "before_check"}
        return client.post("/api/exercises/fixture-add/friction", json=body).get_json()["reflect"]

    auth.login(LEARNER)
    assert client.post("/courses", data={"code": code}).status_code == 302
    assert asked_to_reflect_after_two_failures() is False
    auth.logout()

    auth.signup(email="outsider@example.org")
    assert asked_to_reflect_after_two_failures() is True
