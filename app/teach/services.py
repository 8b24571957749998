"""Courses and who may see them.

Authorisation lives here, not in the routes: every instructor-side function takes the acting
user's id and refuses a learner (403) and a course that is not theirs (404, so the existence of
other courses does not leak). A course belongs to its owner and to members with the instructor
role; learners only join, choose what they share, and see the course's exercise list.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..catalog import ensure_exercise_row
from ..errors import Invalid
from ..errors import NotAllowed
from ..errors import NotFound
from ..exercises import Catalog
from ..exercises import Exercise
from ..extensions import db
from ..friction.config import with_overrides
from ..models import Course
from ..models import CourseExercise
from ..models import CourseMember
from ..models import CourseRole
from ..models import FailureTally
from ..models import LearnerExerciseStat
from ..models import SessionStruggle
from ..models import User
from ..models import utcnow
from .stats import forget_pending

# No 0/O, 1/I/L: codes are read aloud and copied from a projector.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    """A random join code (31^8 ≈ 8.5e11 codes, so guessing one is hopeless)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """What the learner typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def get_user(user_id: int) -> User:
    """The user, or a 404."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such account.")
    return user


def require_instructor(user_id: int) -> User:
    """The acting user if they may teach; learners are refused."""
    user = get_user(user_id)
    if not user.is_instructor:
        raise NotAllowed("Only instructors can see courses and their dashboards.")
    return user


def create_course(user_id: int, name: str) -> Course:
    """Create a course owned by the instructor, with a fresh join code."""
    require_instructor(user_id)
    name = name.strip()
    if not name:
        raise Invalid("Give the course a name.")
    while True:
        code = new_join_code()
        if db.session.scalar(sa.select(Course.id).where(Course.join_code == code)) is None:
            break
    course = Course(name=name[:120], owner_id=user_id, join_code=code)
    db.session.add(course)
    db.session.flush()
    db.session.add(
        CourseMember(course_id=course.id, user_id=user_id, role=CourseRole.INSTRUCTOR.value)
    )
    db.session.commit()
    return course


def teaching_filter(user_id: int) -> sa.ColumnElement[bool]:
    """Courses the user teaches: owned, or joined with the instructor role."""
    co_taught = sa.select(CourseMember.course_id).where(
        CourseMember.user_id == user_id, CourseMember.role == CourseRole.INSTRUCTOR.value
    )
    return sa.or_(Course.owner_id == user_id, Course.id.in_(co_taught))


def courses_taught(user_id: int) -> list[Course]:
    """The instructor's courses, newest first; no one else's."""
    require_instructor(user_id)
    return list(
        db.session.scalars(
            sa.select(Course).where(teaching_filter(user_id)).order_by(Course.id.desc())
        )
    )


def course_for_instructor(user_id: int, course_id: int) -> Course:
    """A course the instructor teaches, or a 404 (another's course looks like no course)."""
    require_instructor(user_id)
    course = db.session.scalar(
        sa.select(Course).where(Course.id == course_id, teaching_filter(user_id))
    )
    if course is None:
        raise NotFound("There is no such course among yours.")
    return course


def join_course(user_id: int, typed_code: str) -> Course:
    """Join the course with this code (joining twice is harmless)."""
    get_user(user_id)
    code = normalise_code(typed_code)
    course = db.session.scalar(sa.select(Course).where(Course.join_code == code)) if code else None
    if course is None:
        raise Invalid(
            f"No course has the join code “{typed_code.strip()}”. Check it with your instructor."
        )
    member = db.session.scalar(
        sa.select(CourseMember).where(
            CourseMember.course_id == course.id, CourseMember.user_id == user_id
        )
    )
    if member is None:
        db.session.add(CourseMember(course_id=course.id, user_id=user_id))
        db.session.commit()
    return course


def membership(user_id: int, course_id: int) -> CourseMember:
    """The user's membership of a course, or a 404."""
    member = db.session.scalar(
        sa.select(CourseMember).where(
            CourseMember.course_id == course_id, CourseMember.user_id == user_id
        )
    )
    if member is None:
        raise NotFound("You are not in this course.")
    return member


def set_journal_sharing(user_id: int, course_id: int, shares: bool) -> CourseMember:
    """The learner's choice to let this course's instructors read their journal text."""
    member = membership(user_id, course_id)
    if shares and not member.shares_journal:
        member.shares_journal_since = utcnow()
    if not shares:
        member.shares_journal_since = None
    member.shares_journal = shares
    db.session.commit()
    return member


def course_exercise_ids(course_id: int) -> list[str]:
    """The course's exercises, in the order the instructor chose."""
    return list(
        db.session.scalars(
            sa.select(CourseExercise.exercise_id)
            .where(CourseExercise.course_id == course_id)
            .order_by(CourseExercise.position)
        )
    )


def set_course_exercises(
    user_id: int, course_id: int, exercise_ids: list[str], catalog: Catalog
) -> list[str]:
    """Replace the course's visible exercises with these, in this order."""
    course = course_for_instructor(user_id, course_id)
    unknown = [i for i in exercise_ids if catalog.get(i) is None]
    if unknown:
        raise Invalid(f"Not in the catalog: {', '.join(unknown)}.")
    ordered = list(dict.fromkeys(exercise_ids))  # a repeated id keeps its first place
    db.session.execute(sa.delete(CourseExercise).where(CourseExercise.course_id == course.id))
    for position, exercise_id in enumerate(ordered):
        ensure_exercise_row(catalog.exercises[exercise_id])
        db.session.add(
            CourseExercise(course_id=course.id, exercise_id=exercise_id, position=position)
        )
    db.session.commit()
    return ordered


def set_friction_overrides(user_id: int, course_id: int, overrides: dict[str, Any]) -> Course:
    """Store the course's friction thresholds (checked like exercise.toml's [friction])."""
    course = course_for_instructor(user_id, course_id)
    try:
        with_overrides(overrides)
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    course.friction_overrides = dict(overrides) or None
    db.session.commit()
    return course


@dataclass(frozen=True)
class LearnerCourse:
    """A course as a learner sees it: its name, its exercises in order, their sharing choice."""

    course_id: int
    name: str
    exercises: list[Exercise]
    shares_journal: bool


def learner_courses(user_id: int, catalog: Catalog) -> list[LearnerCourse]:
    """The courses the user joined as a learner, with the exercises each shows."""
    rows = db.session.execute(
        sa.select(Course, CourseMember)
        .join(CourseMember, CourseMember.course_id == Course.id)
        .where(CourseMember.user_id == user_id, CourseMember.role == CourseRole.LEARNER.value)
        .order_by(CourseMember.joined_at)
    ).all()
    return [
        LearnerCourse(
            course_id=course.id,
            name=course.name,
            exercises=[
                e for i in course_exercise_ids(course.id) if (e := catalog.get(i)) is not None
            ],
            shares_journal=member.shares_journal,
        )
        for course, member in rows
    ]


def course_learners(course_id: int) -> list[tuple[User, CourseMember]]:
    """The course's learners (not its instructors), by name."""
    return [
        (user, member)
        for user, member in db.session.execute(
            sa.select(User, CourseMember)
            .join(CourseMember, CourseMember.user_id == User.id)
            .where(
                CourseMember.course_id == course_id,
                CourseMember.role == CourseRole.LEARNER.value,
            )
            .order_by(User.display_name, User.id)
        ).all()
    ]


def learner_in_course(user_id: int, course_id: int, learner_id: int) -> tuple[User, CourseMember]:
    """A learner of a course the instructor teaches, or a 404."""
    course_for_instructor(user_id, course_id)
    row = db.session.execute(
        sa.select(User, CourseMember)
        .join(CourseMember, CourseMember.user_id == User.id)
        .where(
            CourseMember.course_id == course_id,
            CourseMember.user_id == learner_id,
            CourseMember.role == CourseRole.LEARNER.value,
        )
    ).first()
    if row is None:
        raise NotFound("There is no such learner in this course.")
    return row[0], row[1]


def delete_course_data(user_id: int) -> int:
    """Account deletion: delete the user's dashboard totals (derived from their checks) and the
    courses they own with their member and exercise lists; works without foreign-key cascades.
    Other learners' data stays theirs. Returns the number of courses deleted; does not commit."""
    forget_pending(user_id)  # first, so no fold writes totals for checks being deleted
    for model in (FailureTally, SessionStruggle, LearnerExerciseStat):
        db.session.execute(
            sa.delete(model)
            .where(model.user_id == user_id)
            .execution_options(synchronize_session=False)
        )
    owned = sa.select(Course.id).where(Course.owner_id == user_id)
    for model in (CourseExercise, CourseMember):
        db.session.execute(
            sa.delete(model)
            .where(model.course_id.in_(owned))
            .execution_options(synchronize_session=False)
        )
    result = db.session.execute(
        sa.delete(Course)
        .where(Course.owner_id == user_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
