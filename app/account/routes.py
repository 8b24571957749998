"""Export and account deletion (views: parse, call a service, respond)."""

from __future__ import annotations

import io

from flask import flash
from flask import redirect
from flask import render_template
from flask import send_file
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import logout_user

from ..models import utcnow
from . import bp
from .forms import DeleteAccountForm
from .services import data_counts
from .services import delete_account
from .services import email_matches
from .services import export_csv_zip
from .services import export_json


def download(data: bytes, mimetype: str, extension: str):
    """Send an export as an attachment that is never cached."""
    name = f"friction-lab-export-{utcnow():%Y-%m-%d}.{extension}"
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/journal/export.json")
@login_required
def export_json_view():
    """Everything of mine, as JSON."""
    return download(export_json(current_user.id), "application/json", "json")


@bp.get("/journal/export.csv")
@login_required
def export_csv_view():
    """Everything of mine, as a zip of CSV files (one per table)."""
    return download(export_csv_zip(current_user.id), "application/zip", "csv.zip")


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account_view():
    """Confirm with the email, then delete the account and all its data, and sign out."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if email_matches(current_user.id, form.email.data):
            deleted = delete_account(current_user.id)
            logout_user()
            flash(deleted.deleted_sentence(), "success")
            response = redirect(url_for("learn.index"))
            response.headers["Clear-Site-Data"] = '"storage"'  # drafts and queued attempts too
            return response
        form.email.errors.append("That is not the email of this account, so nothing was deleted.")
    status = 400 if form.errors else 200
    return (
        render_template("account/delete.html", form=form, counts=data_counts(current_user.id)),
        status,
    )
