"""Sign-up and log-in forms (CSRF-protected through Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import EqualTo
from wtforms.validators import Length

MIN_PASSWORD = 10


class EmailSignupForm(FlaskForm):
    """The first step of a sign-up confirmed by email: who, and where to send the link."""

    display_name = StringField(
        "Name shown to you",
        validators=[DataRequired(), Length(max=80)],
        render_kw={"autocomplete": "nickname"},
    )
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


class FinishSignupForm(FlaskForm):
    """The page a sign-up link opens: the password of the new account."""

    password = PasswordField(
        "Password",
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD, max=200, message=f"Use at least {MIN_PASSWORD} characters."),
        ],
        description=f"At least {MIN_PASSWORD} characters. A few unrelated words work well.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Password again",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )


class SignupForm(EmailSignupForm, FinishSignupForm):
    """A new learner account in one step (no mail server: nothing to confirm the email with)."""


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(
        "Email",
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this computer")
