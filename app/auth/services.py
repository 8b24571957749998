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


def load_user(user_id: str) -> User | None:
    """Load the signed-in user for Flask-Login."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None
