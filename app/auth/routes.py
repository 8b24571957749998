"""Sign-up, log-in and log-out views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user

from ..errors import Conflict
from ..errors import Invalid
from ..extensions import limiter
from ..extensions import login_manager
from . import bp
from .forms import EmailSignupForm
from .forms import FinishSignupForm
from .forms import LoginForm
from .forms import SignupForm
from .mail import MailNotSent
from .mail import mail_enabled
from .mail import send_mail
from .services import BadSignupLink
from .services import authenticate
from .services import create_user
from .services import device_for
from .services import device_token
from .services import end_sessions
from .services import load_user
from .services import normalise_email
from .services import pending_signup
from .services import signup_mail

login_manager.user_loader(load_user)
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in to open exercises and keep your record."
login_manager.login_message_category = "info"


@login_manager.unauthorized_handler
def unauthorized():
    """Pages redirect to the login form; API calls get a 401 the page can act on."""
    if request.path.startswith("/api/"):
        return jsonify(error="Unauthorized", message="You are signed out. Log in again."), 401
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def safe_next(target: str | None) -> str:
    """Only follow ?next= to a path on this site."""
    if (
        target
        and not urlsplit(target).netloc
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("learn.index")


def config_value(name: str):
    """A limit read from the config when the request comes (tests and deployments change it)."""
    return lambda: current_app.config[name]


def failed(response) -> bool:
    """Only failures count against login limits: a successful login redirects (302)."""
    return response.status_code != 302


def email_taken(response) -> bool:
    """A sign-up refused because the email has an account (what an enumerator looks for)."""
    return response.status_code == 409


def recipient_key() -> str:
    """Count sign-up mails per address they go to (a taken or a new one alike)."""
    return "recipient:" + normalise_email(request.form.get("email", ""))[:254]


def account_key() -> str:
    """Count failed logins per account, whichever address they come from."""
    return "account:" + normalise_email(request.form.get("email", ""))[:254]


DEVICE_COOKIE = "friction_device"


def trusted_device() -> str | None:
    """The nonce of this browser's device cookie, when it names the account being tried."""
    return device_for(
        request.cookies.get(DEVICE_COOKIE),
        request.form.get("email", ""),
        current_app.config["SECRET_KEY"],
    )


def device_key() -> str:
    """Count a trusted browser's failed logins on its own."""
    return f"device:{trusted_device()}"


def remember_device(response, email: str):
    """Give this browser a device cookie for the account that just signed in."""
    config = current_app.config
    response.set_cookie(
        DEVICE_COOKIE,
        device_token(email, config["SECRET_KEY"]),
        max_age=config["DEVICE_COOKIE_DAYS"] * 24 * 3600,
        httponly=True,
        secure=config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
        path=url_for("auth.login"),
    )
    return response


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(config_value("SIGNUP_RATE_LIMIT"), methods=["POST"])
@limiter.limit(
    config_value("SIGNUP_TAKEN_RATE_LIMIT"), methods=["POST"], deduct_when=email_taken,
    scope="signup-taken",
)
@limiter.limit(
    config_value("SIGNUP_MAIL_RATE_LIMIT"), methods=["POST"], key_func=recipient_key,
    scope="signup-mail", exempt_when=lambda: not mail_enabled(current_app.config),
)
def signup():
    """Create a learner account: at once, or through an emailed link when mail is configured."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.index"))
    if mail_enabled(current_app.config):
        return signup_by_email()
    form = SignupForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = create_user(form.email.data, form.password.data, form.display_name.data)
        except Conflict as exc:
            form.email.errors.append(exc.message)
            status = 409
        except Invalid as exc:
            form.password.errors.append(exc.message)
        else:
            login_user(user)
            flash("Welcome! Pick a track to start.", "success")
            return remember_device(redirect(safe_next(request.args.get("next"))), user.email)
    if form.errors and status == 200:
        status = 400
    return render_template("auth/signup.html", form=form), status


def signup_by_email():
    """Send a sign-up link (new email) or a notice to the owner (taken email), and answer the
    same page either way, so the answer never tells whether an email has an account."""
    form = EmailSignupForm()
    if not form.validate_on_submit():
        return render_template("auth/signup.html", form=form), 400 if form.errors else 200
    email = normalise_email(form.email.data)
    try:
        send_mail(current_app.config, email, *signup_mail(email, form.display_name.data))
    except MailNotSent as exc:
        current_app.logger.warning("sign-up mail to the server failed: %s", exc)
        # Same for a taken and a new email; the form keeps what was typed.
        form.email.errors.append(
            "The email could not be sent: the mail server did not answer. Nothing was created "
            "and what you typed is kept; try again in a few minutes, or tell your instructor."
        )
        return render_template("auth/signup.html", form=form), 503
    return render_template("auth/signup_sent.html", email=email), 200


@bp.route("/signup/finish/<token>", methods=["GET", "POST"])
@limiter.limit(config_value("SIGNUP_RATE_LIMIT"), methods=["POST"])
def finish_signup(token: str):
    """The page a sign-up link opens: choose a password; the account is created and signed in.

    Opening the link (GET) creates nothing: mail scanners fetch links before the learner does."""
    config = current_app.config
    try:
        email, display_name = pending_signup(
            token, config["SECRET_KEY"], config["SIGNUP_LINK_HOURS"] * 3600
        )
    except BadSignupLink as exc:
        return render_template("auth/signup_link_refused.html", message=exc.message), 400
    form = FinishSignupForm()
    if form.validate_on_submit():
        try:
            user = create_user(email, form.password.data, display_name)
        except Conflict:
            # Two tabs on one link: the other one created the account first.
            message = "This link was already used: the account exists. Log in."
            return render_template("auth/signup_link_refused.html", message=message), 400
        except Invalid as exc:
            form.password.errors.append(exc.message)
        else:
            logout_user()
            login_user(user)
            flash("Welcome! Your email is confirmed. Pick a track to start.", "success")
            return remember_device(redirect(url_for("learn.index")), user.email)
    return render_template(
        "auth/signup_finish.html", form=form, email=email
    ), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(config_value("LOGIN_RATE_LIMIT"), methods=["POST"], deduct_when=failed)
@limiter.limit(
    config_value("LOGIN_ACCOUNT_RATE_LIMIT"), methods=["POST"], deduct_when=failed,
    key_func=account_key, scope="login-account", exempt_when=lambda: trusted_device() is not None,
)
@limiter.limit(
    config_value("LOGIN_DEVICE_RATE_LIMIT"), methods=["POST"], deduct_when=failed,
    key_func=device_key, scope="login-device", exempt_when=lambda: trusted_device() is None,
)
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return remember_device(redirect(safe_next(request.args.get("next"))), user.email)
        form.password.errors.append("That email and password do not match an account.")
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    """Sign out (a POST with CSRF, so a link elsewhere cannot log you out).

    The session secret is replaced, so this and every other session or remember cookie of the
    account stops working (a copied cookie is worthless after logout)."""
    if current_user.is_authenticated:
        end_sessions(current_user.id)
    logout_user()
    flash("You are signed out.", "info")
    response = redirect(url_for("auth.login"))
    # Drafts and queued attempts stay in this browser otherwise (a shared school laptop).
    response.headers["Clear-Site-Data"] = '"storage"'
    return response
