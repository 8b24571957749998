"""Course pages (views: parse, call a service, respond). Authorisation is in the services."""

from __future__ import annotations

import io
from pathlib import Path

from flask import abort
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from ..api import parse_json
from ..catalog import adopt_catalog
from ..catalog import get_catalog
from ..errors import Invalid
from ..rendering import render_prompt
from ..runtime.services import runtime_info
from . import bp
from .authoring import kept_versions
from .authoring import publish_files
from .authoring import publish_upload
from .authoring import reload_catalog
from .editor import check_proof_token
from .editor import draft_files
from .editor import judge_browser_proof
from .editor import load_draft
from .editor import proof_jobs
from .editor import proof_token
from .editor import starting_files
from .forms import CourseForm
from .forms import ExercisesForm
from .forms import FrictionForm
from .forms import JoinForm
from .forms import SharingForm
from .forms import UploadForm
from .pages import course_dashboard
from .pages import dashboard_csv
from .pages import learner_detail
from .schemas import DraftIn
from .schemas import PreviewIn
from .schemas import ProofIn
from .schemas import PublishIn
from .services import course_exercise_ids
from .services import course_for_instructor
from .services import courses_taught
from .services import create_course
from .services import join_course
from .services import learner_courses
from .services import require_instructor
from .services import set_course_exercises
from .services import set_friction_overrides
from .services import set_journal_sharing


@bp.route("/teach", methods=["GET", "POST"])
@login_required
def courses():
    """The instructor's courses, and a form to create one."""
    require_instructor(current_user.id)
    form = CourseForm()
    if form.validate_on_submit():
        course = create_course(current_user.id, form.name.data or "")
        flash(f"Course created. Learners join with the code {course.join_code}.", "success")
        return redirect(url_for("teach.course", course_id=course.id))
    return render_template("teach/courses.html", courses=courses_taught(current_user.id), form=form)


@bp.get("/teach/<int:course_id>")
@login_required
def course(course_id: int):
    """The course dashboard."""
    page = course_dashboard(current_user.id, course_id, get_catalog())
    return render_template("teach/dashboard.html", page=page)


@bp.get("/teach/<int:course_id>/exercise/<exercise_id>")
@login_required
def exercise(course_id: int, exercise_id: str):
    """The dashboard of one exercise of the course."""
    page = course_dashboard(current_user.id, course_id, get_catalog(), exercise_id)
    return render_template("teach/dashboard.html", page=page)


@bp.get("/teach/<int:course_id>/<table>.csv")
@bp.get("/teach/<int:course_id>/exercise/<exercise_id>/<table>.csv")
@login_required
def table_csv(course_id: int, table: str, exercise_id: str | None = None):
    """One table behind the dashboard, as CSV."""
    text = dashboard_csv(current_user.id, course_id, table, get_catalog(), exercise_id)
    if text is None:
        abort(404)
    response = send_file(
        # With a byte-order mark Excel reads the file as UTF-8 (names with accents, "≥", "–").
        io.BytesIO(text.encode("utf-8-sig")),
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"course-{course_id}-{exercise_id + '-' if exercise_id else ''}{table}.csv",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/teach/<int:course_id>/learner/<int:learner_id>")
@login_required
def learner(course_id: int, learner_id: int):
    """One learner's attempts and metrics (journal text only if they share it)."""
    page = learner_detail(current_user.id, course_id, learner_id, get_catalog())
    return render_template("teach/learner.html", page=page)


@bp.route("/teach/<int:course_id>/settings", methods=["GET", "POST"])
@login_required
def settings(course_id: int):
    """Pick the course's exercises and their order; tune friction thresholds."""
    course_row = course_for_instructor(current_user.id, course_id)
    catalog = get_catalog()
    exercises_form = ExercisesForm(prefix="ex")
    friction_form = FrictionForm(prefix="fr", data=course_row.friction_overrides or {})
    if request.method == "POST" and request.form.get("part") == "exercises":
        if exercises_form.validate_on_submit():
            chosen = request.form.getlist("exercise")
            order = {i: request.form.get(f"position-{i}", "") for i in chosen}
            ranked = sorted(chosen, key=lambda i: (position_of(order[i]), chosen.index(i)))
            set_course_exercises(current_user.id, course_id, ranked, catalog)
            flash(f"The course now shows {len(ranked)} exercise(s).", "success")
            return redirect(url_for("teach.settings", course_id=course_id))
    if request.method == "POST" and request.form.get("part") == "friction":
        if friction_form.validate_on_submit():
            overrides = {
                name: float(value)
                for name, value in friction_form.data.items()
                if name != "csrf_token" and value is not None
            }
            set_friction_overrides(current_user.id, course_id, overrides)
            flash("Friction thresholds saved.", "success")
            return redirect(url_for("teach.settings", course_id=course_id))
    chosen_ids = course_exercise_ids(course_id)
    return render_template(
        "teach/settings.html",
        course=course_row,
        catalog=catalog,
        chosen=chosen_ids,
        exercises_form=exercises_form,
        friction_form=friction_form,
    )


def position_of(typed: str) -> float:
    """A typed position, or last."""
    try:
        return float(typed)
    except ValueError:
        return float("inf")


@bp.route("/courses", methods=["GET", "POST"])
@login_required
def my_courses():
    """The learner's courses: join one with a code, see its exercises, choose what to share."""
    form = JoinForm()
    if form.validate_on_submit():
        try:
            joined = join_course(current_user.id, form.code.data or "")
        except Invalid as exc:
            form.code.errors.append(exc.message)
        else:
            flash(f"You joined {joined.name}.", "success")
            return redirect(url_for("teach.my_courses"))
    status = 400 if form.errors else 200
    courses_joined = learner_courses(current_user.id, get_catalog())
    sharing = {c.course_id: SharingForm(prefix=f"share-{c.course_id}") for c in courses_joined}
    return (
        render_template(
            "teach/my_courses.html", form=form, courses=courses_joined, sharing=sharing
        ),
        status,
    )


@bp.post("/courses/<int:course_id>/sharing")
@login_required
def sharing(course_id: int):
    """Turn journal sharing with one course on or off."""
    form = SharingForm(prefix=f"share-{course_id}")
    if form.validate_on_submit():
        member = set_journal_sharing(current_user.id, course_id, bool(form.shares_journal.data))
        flash(
            "Your journal text is now shared with this course's instructors."
            if member.shares_journal
            else "Your journal text is no longer shared with this course.",
            "success",
        )
    return redirect(url_for("teach.my_courses"))


def versions_dir() -> Path:
    """Where every published version is kept."""
    return Path(
        current_app.config.get("AUTHORING_DIR") or Path(current_app.instance_path) / "authoring"
    )


@bp.get("/teach/author/edit")
@login_required
def editor():
    """Author an exercise in the browser: edit its files, prove it in Pyodide, publish."""
    require_instructor(current_user.id)
    catalog = get_catalog()
    files, track, folder = starting_files(catalog, request.args.get("exercise"))
    runtime = runtime_info(current_app.config["RUNTIME_DIR"])
    page_data = {
        "files": files,
        "track": track,
        "folder": folder,
        "tracks": [[slug, t.title] for slug, t in catalog.tracks.items()],
        "runtime": {
            "base_url": url_for("runtime.runtime_file", build_id=runtime.build_id, filename="")
            if runtime
            else None,
        },
        "worker_url": url_for("static", filename="dist/runner.worker.js"),
        "urls": {
            "preview": url_for("teach.preview"),
            "draft": url_for("teach.draft"),
            "proof": url_for("teach.proof"),
            "publish": url_for("teach.publish"),
        },
    }
    exercises = sorted(catalog.exercises.values(), key=lambda e: (e.track, e.order))
    return render_template("teach/editor.html", page_data=page_data, exercises=exercises)


@bp.post("/teach/author/preview")
@login_required
def preview():
    """The prompt rendered and sanitised exactly as learners will see it."""
    require_instructor(current_user.id)
    body = parse_json(PreviewIn)
    return jsonify(html=render_prompt(body.markdown, body.title))


@bp.post("/teach/author/draft")
@login_required
def draft():
    """Load a draft like a catalog folder and hand back the proof's jobs for the page to run."""
    require_instructor(current_user.id)
    body = parse_json(DraftIn)
    loaded = load_draft(draft_files(body.files), body.track, body.folder, get_catalog())
    return jsonify(id=loaded.exercise.id, digest=loaded.digest, cases=proof_jobs(loaded))


@bp.post("/teach/author/proof")
@login_required
def proof():
    """Judge the verdicts of the page's Pyodide; a clean proof earns a token for these files."""
    require_instructor(current_user.id)
    body = parse_json(ProofIn)
    loaded = load_draft(draft_files(body.files), body.track, body.folder, get_catalog())
    problems = judge_browser_proof(loaded, body.verdicts)
    token = (
        None
        if problems
        else proof_token(
            current_app.config["SECRET_KEY"], current_user.id, body.track, body.folder,
            loaded.digest,
        )
    )
    return jsonify(proven=not problems, problems=problems, token=token, digest=loaded.digest)


@bp.post("/teach/author/publish")
@login_required
def publish():
    """Publish a draft proven in the browser (proven once more under CPython on the way)."""
    require_instructor(current_user.id)
    body = parse_json(PublishIn)
    catalog = get_catalog()
    files = draft_files(body.files)
    loaded = load_draft(files, body.track, body.folder, catalog)
    check_proof_token(
        current_app.config["SECRET_KEY"], body.token, current_user.id, body.track, body.folder,
        loaded.digest,
    )
    published = publish_files(files, body.track, body.folder, catalog, versions_dir())
    adopt_catalog(current_app._get_current_object(), reload_catalog(catalog.root))
    return jsonify(
        id=published.exercise.id,
        version=published.version,
        replaced=published.replaced,
        url=url_for("learn.exercise", exercise_id=published.exercise.id),
    ), 201


@bp.route("/teach/author", methods=["GET", "POST"])
@login_required
def author():
    """Upload an exercise folder as a zip: checked and proven before it is published."""
    require_instructor(current_user.id)
    catalog = get_catalog()
    form = UploadForm()
    form.track.choices = [(slug, t.title) for slug, t in catalog.tracks.items()]
    if form.validate_on_submit():
        try:
            published, reloaded = publish_upload(
                current_user.id,
                form.archive.data.read(),
                form.track.data,
                form.folder.data.strip(),
                catalog,
                versions_dir(),
            )
        except Invalid as exc:
            form.archive.errors = [*form.archive.errors, exc.message]
        else:
            adopt_catalog(current_app._get_current_object(), reloaded)
            flash(
                f"Published {published.exercise.id} version {published.version}"
                + (" (it replaces the previous version)." if published.replaced else "."),
                "success",
            )
            return redirect(url_for("teach.author"))
    status = 400 if form.errors else 200
    versions = {e.id: kept_versions(versions_dir(), e.id) for e in catalog.exercises.values()}
    return render_template("teach/author.html", form=form, versions=versions), status
