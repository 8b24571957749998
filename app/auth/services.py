"""Accounts: create users and check passwords. No request or session access here."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from ..errors import Conflict
from ..errors import Invalid
from ..extensions import db
from ..models import Role
from ..models import User
from ..models import new_session_token

# Checked against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalise_email(email: str) -> str:
    """Compare emails case-insensitively, ignoring surrounding spaces."""
    return email.strip().lower()


def create_user(email: str, password: str, display_name: str, role: str = Role.LEARNER) -> User:
    """Create an account with a hashed password; refuse a taken email or unknown role."""
    if role not in {r.value for r in Role}:
        raise Invalid(f"role must be one of {', '.join(r.value for r in Role)}")
    email = normalise_email(email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict("An account with this email already exists. Log in instead.")
    user = User(
        email=email,
        display_name=display_name.strip() or email.split("@")[0],
        password_hash=generate_password_hash(password),
        role=str(role),
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the password matches, else None."""
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def load_user(session_token: str) -> User | None:
    """Load the signed-in user for Flask-Login from the per-user secret its cookie holds."""
    if not session_token or len(session_token) > 64:
        return None
    return db.session.scalar(sa.select(User).where(User.session_token == session_token))


def end_sessions(user_id: int) -> None:
    """Replace the user's session secret: every session and remember cookie issued so far dies."""
    db.session.execute(
        sa.update(User).where(User.id == user_id).values(session_token=new_session_token())
    )
    db.session.commit()


def set_password(user_id: int, password: str) -> None:
    """Change a password; sessions opened with the old one end (a new login is needed)."""
    db.session.execute(
        sa.update(User)
        .where(User.id == user_id)
        .values(password_hash=generate_password_hash(password), session_token=new_session_token())
    )
    db.session.commit()
