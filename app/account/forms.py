"""The account deletion form (WTForms, CSRF-protected through Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired
from wtforms.validators import Length


class DeleteAccountForm(FlaskForm):
    """Type your email to confirm (CSRF-protected through Flask-WTF)."""

    email = EmailField(
        "Type your email to confirm",
        validators=[DataRequired(message="Type your email to confirm."), Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
