"""The tutor API (thin: parse, call a service, respond)."""

from __future__ import annotations

from flask import jsonify
from flask import request
from flask_login import current_user
from flask_login import login_required

from ..catalog import get_catalog
from ..errors import Invalid
from ..errors import NotFound
from ..models import utcnow
from ..rendering import render_markdown
from . import bp
from .services import answer_turn
from .services import start_turn
from .services import turn_view
from .services import tutor_state


def exercise_or_404(exercise_id: str):
    """The catalog exercise, or a 404."""
    exercise = get_catalog().get(exercise_id)
    if exercise is None:
        raise NotFound(f"There is no exercise {exercise_id!r}.")
    return exercise


@bp.get("/api/exercises/<exercise_id>/tutor")
@login_required
def state(exercise_id: str):
    """Whether the tutor can be asked now, what is left today, and my turns here."""
    exercise = exercise_or_404(exercise_id)
    return jsonify(tutor_state(current_user.id, exercise, utcnow(), render_markdown))


@bp.post("/api/exercises/<exercise_id>/tutor/turns")
@login_required
def ask(exercise_id: str):
    """Step 1: read my code and failing check; returns what the tutor will see."""
    exercise = exercise_or_404(exercise_id)
    payload = request.get_json(silent=True)
    question = payload.get("question") if isinstance(payload, dict) else None
    if not isinstance(question, str):
        raise Invalid(
            "Send {question} as JSON: one line about what you tried or where you are stuck."
        )
    turn = start_turn(current_user.id, exercise, question, utcnow())
    return jsonify(turn_view(turn, render_markdown)), 201


@bp.post("/api/exercises/<exercise_id>/tutor/turns/<int:turn_id>/answer")
@login_required
def answer(exercise_id: str, turn_id: int):
    """Step 2: the tutor writes its question; guarded before it is returned."""
    exercise = exercise_or_404(exercise_id)
    turn = answer_turn(current_user.id, turn_id, exercise, utcnow())
    return jsonify(
        turn=turn_view(turn, render_markdown),
        state=tutor_state(current_user.id, exercise, utcnow(), render_markdown),
    )
