"""The exercise page's friction, hints and reference API (thin: parse, call, respond)."""

from __future__ import annotations

from flask import current_app
from flask import jsonify
from flask import request
from flask_login import current_user
from flask_login import login_required

from ..api import parse_json
from ..api import request_size
from ..catalog import get_catalog
from ..errors import Invalid
from ..errors import NotFound
from ..models import utcnow
from . import bp
from .schemas import FrictionEventIn
from .services import friction_for_page
from .services import hint_state
from .services import record_event
from .services import reference_for
from .services import take_hint
from .services import wait_for_verdict


def exercise_or_404(exercise_id: str):
    """The catalog exercise, or a 404."""
    exercise = get_catalog().get(exercise_id)
    if exercise is None:
        raise NotFound(f"There is no exercise {exercise_id!r}.")
    return exercise


@bp.post("/api/exercises/<exercise_id>/friction")
@login_required
def friction(exercise_id: str):
    """What applies before the next check of these files (gates, break, re-entry); logs firings."""
    exercise = exercise_or_404(exercise_id)
    payload = request.get_json(silent=True)
    payload = payload if isinstance(payload, dict) else {}
    files = payload.get("files") if isinstance(payload.get("files"), dict) else None
    moment = str(payload.get("moment") or "")
    return jsonify(friction_for_page(
        current_user.id, exercise, files, moment, utcnow(), request_bytes=request_size()
    ))


@bp.post("/api/friction-events")
@login_required
def post_event():
    """Store the learner's response to a card (break taken, kept going, ...)."""
    event = record_event(
        current_user.id, parse_json(FrictionEventIn), get_catalog(), request_bytes=request_size()
    )
    return jsonify(id=event.id), 201


@bp.get("/api/exercises/<exercise_id>/reference")
@login_required
def reference(exercise_id: str):
    """The reference solution, after a pass the server verified (F8); waits a little while the
    re-check of a fresh pass is still running."""
    exercise = exercise_or_404(exercise_id)
    wait_for_verdict(current_user.id, exercise.id, current_app.config["RECHECK_WAIT_S"])
    return jsonify(reference_for(current_user.id, exercise))


def hints_payload(exercise, now) -> dict:
    """The hints shown so far (rendered, sanitised) and what opens the next one."""
    from ..rendering import render_markdown

    status, taken = hint_state(current_user.id, exercise, now)
    wait = (status.wait_until - now).total_seconds() if status.wait_until else 0
    return {
        "levels": len(exercise.hints),
        "revealed": [
            {
                "level": h.level,
                "html": render_markdown(exercise.hints[h.level - 1]),
                "bottom_out": h.bottom_out,
            }
            for h in taken
        ],
        "next_level": status.next_level,
        "available": status.available,
        "reason": status.reason,
        "wait_seconds": max(0, round(wait)),
    }


@bp.get("/api/exercises/<exercise_id>/hints")
@login_required
def hints(exercise_id: str):
    """Hints already shown, and whether the next level is open (F3-F5)."""
    return jsonify(hints_payload(exercise_or_404(exercise_id), utcnow()))


@bp.post("/api/exercises/<exercise_id>/hints")
@login_required
def ask_hint(exercise_id: str):
    """Reveal the next hint level when effort has unlocked it."""
    exercise = exercise_or_404(exercise_id)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("level"), int):
        raise Invalid("Send {level, stuck_text} as JSON.")
    stuck = payload.get("stuck_text")
    if not isinstance(stuck, str) or len(stuck) > 300:
        raise Invalid(
            "Say in one line (at most 300 characters) what you tried or where you are stuck."
        )
    take_hint(current_user.id, exercise, payload["level"], stuck, utcnow(),
              request_bytes=request_size())
    return jsonify(hints_payload(exercise, utcnow())), 201
