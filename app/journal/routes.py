"""The journal page and the journal entry API (thin: parse, call a service, respond)."""

from __future__ import annotations

from flask import jsonify
from flask import render_template
from flask import request
from flask_login import current_user
from flask_login import login_required

from ..api import parse_json
from ..api import request_size
from ..catalog import get_catalog
from ..friction.config import DEFAULTS
from . import bp
from .charts import progress_chart_data
from .charts import timeline_svg
from .insights import build_journal
from .insights import entry_fields
from .schemas import EntryIn
from .services import record_entry


@bp.post("/api/journal")
@login_required
def post_entry():
    """Store a journal entry or a recorded skip."""
    entry = record_entry(
        current_user.id, parse_json(EntryIn), get_catalog(), request_bytes=request_size()
    )
    return jsonify(id=entry.id, prediction_correct=entry.prediction_correct), 201


@bp.get("/journal")
@login_required
def journal():
    """The learner's journal: summary, streaks, progress chart, timelines and entries."""
    page = build_journal(
        current_user.id,
        get_catalog(),
        track=request.args.get("track"),
        kind=request.args.get("kind"),
    )
    charts = {
        t.exercise_id: timeline_svg(t, f"timeline-{index}")
        for index, t in enumerate(page.timelines)
    }
    return render_template(
        "journal/index.html",
        page=page,
        timeline_charts=charts,
        progress_chart=progress_chart_data(
            page.solves, page.eqs, page.titles, DEFAULTS.eq_threshold
        ),
        entry_fields=entry_fields,
        eq_threshold=DEFAULTS.eq_threshold,
    )
