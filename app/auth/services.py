"""Accounts: create users and check passwords. No request or session access here."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask import current_app
from flask import render_template
from flask import url_for
from flask_login import UserMixin
from itsdangerous import BadSignature
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeSerializer
from itsdangerous import URLSafeTimedSerializer
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from ..errors import Conflict
from ..errors import Invalid
from ..extensions import db
from ..models import Role
from ..models import User
from ..models import new_session_token

# zxcvbn's scores run 0-4; below 2 the password is in (or close to) the common and breached
# password lists it ships (offline: nothing is sent anywhere), or is guessable from the email.
MIN_PASSWORD_SCORE = 2

@cache
def dummy_hash() -> str:
    """Checked against when the email is unknown, so a wrong email takes as long as a wrong
    password. Made on first use: hashing costs every `flask` command half a second otherwise."""
    return generate_password_hash("not-a-real-password")


def normalise_email(email: str) -> str:
    """Compare emails case-insensitively, ignoring surrounding spaces."""
    return email.strip().lower()


class WeakPassword(Invalid):
    """The password is common, breached or guessable; the message says why."""


def password_problem(password: str, *related: str) -> str | None:
    """Why a password is too easy to guess (common or breached lists, the email or name), or
    None when it is fine."""
    from zxcvbn import zxcvbn

    # zxcvbn is slow on very long input and gains nothing past a few dozen characters.
    result = zxcvbn(password[:100], user_inputs=[r for r in related if r])
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    warning = result["feedback"].get("warning") or "This password is too easy to guess."
    return f"{warning.rstrip('.')}. A few unrelated words work well."


def check_password(password: str, *related: str) -> None:
    """Raise WeakPassword if the password is common, breached or guessable."""
    problem = password_problem(password, *related)
    if problem:
        raise WeakPassword(problem)


def create_user(email: str, password: str, display_name: str, role: str = Role.LEARNER) -> User:
    """Create an account with a hashed password; refuse a taken email, a weak password or an
    unknown role."""
    if role not in {r.value for r in Role}:
        raise Invalid(f"role must be one of {', '.join(r.value for r in Role)}")
    email = normalise_email(email)
    check_password(password, email, email.split("@")[0], display_name)
    if email_has_account(email):
        # Worded so it does not confirm more than it must; sign-ups that hit a taken email are
        # limited per address (SIGNUP_TAKEN_RATE_LIMIT), so the list cannot be walked.
        raise Conflict("This email cannot be used for a new account. If it is yours, log in.")
    user = User(
        email=email,
        display_name=display_name.strip() or email.split("@")[0],
        password_hash=generate_password_hash(password),
        role=str(role),
    )
    db.session.add(user)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        # Another request (a second tab on the same sign-up link, a double submit) created the
        # account between the check above and this commit: the unique email refused this one.
        db.session.rollback()
        raise Conflict(
            "This email cannot be used for a new account. If it is yours, log in."
        ) from None
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the password matches, else None."""
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


@dataclass(frozen=True, eq=False)
class SignedInUser(UserMixin):
    """The signed-in account as a request sees it: a plain value read with one Core statement,
    not an ORM object, so a commit during the request neither expires it nor reads it again."""

    id: int
    email: str
    display_name: str
    role: str
    session_token: str

    def get_id(self) -> str:
        """The per-user secret Flask-Login stores in cookies (never the reusable row id)."""
        return self.session_token

    @property
    def is_instructor(self) -> bool:
        """Instructors and admins can see authoring and analytics pages."""
        return self.role in (Role.INSTRUCTOR, Role.ADMIN)


def load_user(session_token: str) -> SignedInUser | None:
    """Load the signed-in user for Flask-Login from the per-user secret its cookie holds.

    It runs on every signed-in request: one statement on the unique session_token, and no ORM
    identity to flush, expire at commit or refresh afterwards."""
    if not session_token or len(session_token) > 64:
        return None
    row = db.session.execute(user_by_token(), {"token": session_token}).first()
    return SignedInUser(*row) if row is not None else None


@cache
def user_by_token() -> sa.Select:
    """load_user's statement, built once. On the table's columns, not the model's attributes:
    a plain Core statement skips the ORM's compile and loading steps (40 us of 130)."""
    users = User.__table__.c
    return sa.select(
        users.id, users.email, users.display_name, users.role, users.session_token
    ).where(users.session_token == sa.bindparam("token", type_=sa.String()))


def end_sessions(user_id: int) -> None:
    """Replace the user's session secret: every session and remember cookie issued so far dies."""
    db.session.execute(
        sa.update(User).where(User.id == user_id).values(session_token=new_session_token())
    )
    db.session.commit()


def set_password(user_id: int, password: str) -> None:
    """Change a password (refused if weak); sessions opened with the old one end."""
    user = db.session.get(User, user_id)
    if user is not None:
        check_password(password, user.email, user.display_name)
    db.session.execute(
        sa.update(User)
        .where(User.id == user_id)
        .values(password_hash=generate_password_hash(password), session_token=new_session_token())
    )
    db.session.commit()


def storage_scope(user_id: int, secret_key: str) -> str:
    """An opaque name for this account's keys in the browser's localStorage: stable across its
    logins, different for every other account (ids are never reused), not the id itself."""
    digest = hmac.new(secret_key.encode(), f"storage:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:24]


# OWASP's device cookies: after a successful login the browser gets a signed cookie naming the
# account and a random nonce. Failed logins from a browser holding one for the account it tries
# count against that device only, so an attacker guessing the password elsewhere (who trips the
# per-account limit) cannot lock the learner out of her own browser.
DEVICE_SALT = "device-cookie"


def device_token(email: str, secret_key: str) -> str:
    """A signed device token for this account's email (issued after a successful login)."""
    payload = {"email": normalise_email(email), "nonce": secrets.token_urlsafe(12)}
    return URLSafeSerializer(secret_key, salt=DEVICE_SALT).dumps(payload)


def device_for(token: str | None, email: str, secret_key: str) -> str | None:
    """The device's nonce when the token is genuine and names this email, else None."""
    if not token or len(token) > 400:
        return None
    try:
        payload = URLSafeSerializer(secret_key, salt=DEVICE_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("email") != normalise_email(email):
        return None
    nonce = payload.get("nonce")
    return nonce if isinstance(nonce, str) else None


# Sign-up by email link (when the admin configured mail). The link proves the learner reads the
# mailbox; it carries only the email and the name, signed and dated, so there is no pending-
# sign-up table and no migration. The password is chosen on the page the link opens, never put
# in the link: a link sits in mailboxes, browser history and proxy logs, and even a slow hash
# there could be cracked offline. A link works once: the account it creates takes the email,
# and a second use finds it taken.
SIGNUP_SALT = "signup-link"


class BadSignupLink(Invalid):
    """A sign-up link that was changed, cut short, is too old, or was already used."""


def email_has_account(email: str) -> bool:
    """True when an account already uses this email."""
    found = db.session.scalar(sa.select(User.id).where(User.email == normalise_email(email)))
    return found is not None


def signup_link_token(email: str, display_name: str, secret_key: str) -> str:
    """A signed, dated token naming the email and name of a sign-up to finish."""
    payload = {"email": normalise_email(email), "name": display_name.strip()}
    return URLSafeTimedSerializer(secret_key, salt=SIGNUP_SALT).dumps(payload)


def pending_signup(token: str, secret_key: str, max_age_s: int) -> tuple[str, str]:
    """The (email, name) a genuine, unexpired, unused sign-up link names; BadSignupLink else."""
    serializer = URLSafeTimedSerializer(secret_key, salt=SIGNUP_SALT)
    try:
        payload = serializer.loads(token, max_age=max_age_s)
    except SignatureExpired:
        raise BadSignupLink(
            "This link has expired. Sign up again to get a new one; nothing was created."
        ) from None
    except BadSignature:
        raise BadSignupLink(
            "This link is not valid: it was changed or cut short. Open the whole link from the "
            "email, or sign up again."
        ) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("email"), str):
        raise BadSignupLink("This link is not valid. Sign up again.")
    email, name = payload["email"], payload.get("name")
    if email_has_account(email):
        raise BadSignupLink(
            "This link was already used: the account exists. Log in with the password you chose."
        )
    return email, name if isinstance(name, str) else ""


def signup_mail(email: str, display_name: str) -> tuple[str, str]:
    """The subject and body for this email: a sign-up link, or a notice to the owner."""
    config = current_app.config
    site = config["SITE_URL"]
    if email_has_account(email):
        return "Someone tried to sign up with your address", render_template(
            "auth/mail/signup_taken.txt", login_url=site + url_for("auth.login")
        )
    token = signup_link_token(email, display_name, config["SECRET_KEY"])
    return "Finish creating your Friction Lab account", render_template(
        "auth/mail/signup_link.txt",
        link=site + url_for("auth.finish_signup", token=token),
        hours=config["SIGNUP_LINK_HOURS"],
    )
