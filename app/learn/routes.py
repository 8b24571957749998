"""Tracks, exercise pages and the attempts API (thin: parse, call a service, respond)."""

from __future__ import annotations

from flask import abort
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from ..api import parse_json
from ..api import request_size
from ..auth.services import storage_scope
from ..catalog import get_catalog
from ..friction import rules as friction_rules
from ..recheck.worker import notify as notify_recheck
from ..recheck.worker import warm_up as warm_up_recheck
from ..rendering import render_prompt
from ..runtime.services import runtime_info
from . import bp
from .schemas import AttemptIn
from .services import attempt_summary
from .services import get_attempt
from .services import list_attempts
from .services import progress_by_exercise
from .services import record_attempt


@bp.get("/")
def index():
    """The tracks, with the learner's progress when signed in."""
    catalog = get_catalog()
    progress = progress_by_exercise(current_user.id) if current_user.is_authenticated else {}
    solved_counts = {
        slug: sum(progress[e.id].solved for e in catalog.in_track(slug) if e.id in progress)
        for slug in catalog.tracks
    }
    return render_template("learn/index.html", catalog=catalog, solved_counts=solved_counts)


@bp.get("/tracks/<slug>")
def track(slug: str):
    """One track's exercises in order."""
    catalog = get_catalog()
    track = catalog.tracks.get(slug)
    if track is None:
        abort(404)
    progress = progress_by_exercise(current_user.id) if current_user.is_authenticated else {}
    return render_template(
        "learn/track.html", track=track, exercises=catalog.in_track(slug), progress=progress
    )


@bp.get("/exercises/<exercise_id>")
@login_required
def exercise(exercise_id: str):
    """The exercise page: prompt, editor, Run/Check, results, and my attempts."""
    catalog = get_catalog()
    ex = catalog.get(exercise_id)
    if ex is None:
        abort(404)
    runtime = runtime_info(current_app.config["RUNTIME_DIR"])
    warm_up_recheck(current_app)
    progress = progress_by_exercise(current_user.id).get(ex.id)
    in_track = catalog.in_track(ex.track)
    position = [e.id for e in in_track].index(ex.id)
    next_exercise = in_track[position + 1] if position + 1 < len(in_track) else None
    next_step = (
        {
            "url": url_for("learn.exercise", exercise_id=next_exercise.id),
            "title": next_exercise.title,
        }
        if next_exercise
        else {"url": url_for("learn.track", slug=ex.track), "title": None}
    )
    page_data = {
        "exercise": ex.browser_payload(),
        "runtime": {
            "base_url": url_for("runtime.runtime_file", build_id=runtime.build_id, filename="")
            if runtime
            else None,
            "package": runtime.grading_package if runtime else None,
        },
        "worker_url": url_for("static", filename="dist/runner.worker.js"),
        "attempts_url": url_for("learn.post_attempt"),
        "attempt_url": url_for("learn.attempt_files", client_id="ATTEMPT_ID"),
        # Only a server with an API key has the tutor (app/tutor): without one the page makes
        # no tutor requests at all.
        "tutor_url": url_for("tutor.state", exercise_id=ex.id)
        if "tutor" in current_app.blueprints
        else None,
        "solved": bool(progress and progress.solved),
        "next": next_step,
        "friction": friction_rules.for_page(),
        "storage_scope": storage_scope(current_user.id, current_app.config["SECRET_KEY"]),
    }
    attempts = [attempt_summary(a) for a in list_attempts(current_user.id, ex.id)]
    return render_template(
        "learn/exercise.html",
        exercise=ex,
        track=catalog.tracks[ex.track],
        prompt_html=render_prompt(ex.prompt_md, ex.title),
        page_data=page_data,
        attempts=attempts,
        progress=progress,
        next_step=next_step,
        runtime_ready=runtime is not None,
    )


@bp.post("/api/attempts")
@login_required
def post_attempt():
    """Store a Run or Check posted by the page; a repeated id is the same attempt (200)."""
    data = parse_json(AttemptIn, "The attempt was not stored because it is malformed")
    attempt, created = record_attempt(
        current_user.id, data, get_catalog(), current_app.config["MAX_ATTEMPT_FILE_BYTES"],
        request_bytes=request_size(),
    )
    if created and attempt.verification:
        notify_recheck(current_app)
    return jsonify(attempt=attempt_summary(attempt), created=created), 201 if created else 200


@bp.get("/api/attempts/<client_id>")
@login_required
def attempt_files(client_id: str):
    """Return one of your attempts with its files, to reopen its code in the editor."""
    attempt = get_attempt(current_user.id, client_id)
    return jsonify(attempt=attempt_summary(attempt), files=attempt.files, verdict=attempt.verdict)


@bp.get("/api/exercises/<exercise_id>/attempts")
@login_required
def exercise_attempts(exercise_id: str):
    """Your attempts at one exercise, newest first."""
    return jsonify(
        attempts=[attempt_summary(a) for a in list_attempts(current_user.id, exercise_id)]
    )
