"""Sign-up confirmed by email (mail configured): the answer never tells whether an email has an
account; the account is made only through the emailed link. Mail goes to a real SMTP server
(aiosmtpd) run in the test process on loopback."""

from __future__ import annotations

import email
import re
import socket
import ssl
import threading
import time
from email.policy import default as default_policy

import pytest
import sqlalchemy as sa
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from itsdangerous import TimestampSigner
from itsdangerous import URLSafeTimedSerializer

from app.auth.services import SIGNUP_SALT
from app.auth.services import create_user
from app.config import load_config
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD
from tests.integration.test_bad_input_corpus import assert_clear_refusal

SITE = "http://lab.test"
LINK = re.compile(r"http://lab\.test(/auth/signup/finish/\S+)")


class Mailbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        """Messages addressed to this address."""
        return [m for m in self.messages if m["To"] == address]

    def body(self, address: str) -> str:
        """The text of the only message sent to this address."""
        (message,) = self.to(address)
        return message.get_content()


def free_port() -> int:
    """A loopback port nothing listens on (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1, collecting what it receives."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), ready_timeout=60)
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


def mail_config(port: int, **more):
    """Config overrides that turn on sign-up by email through the server on this port."""
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_USE_TLS": False,
        "MAIL_FROM": "Friction Lab <lab@lab.test>",
        "SITE_URL": SITE,
        **more,
    }


@pytest.fixture
def mail_app(app_factory, smtp):
    """The app with mail configured (CSRF and rate limits off, as in the other tests)."""
    return app_factory(**mail_config(smtp.port))


def start_signup(client, address: str, name: str = "Ada"):
    """Fill in the first sign-up step."""
    return client.post("/auth/signup", data={"display_name": name, "email": address})


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(User.id)))


def add_account(app, address: str) -> None:
    with app.app_context():
        create_user(address, PASSWORD, "Owner")


def cookies_set(response) -> list[str]:
    """The cookies a response sets, by name and attributes (values are random)."""
    headers = response.headers.getlist("Set-Cookie")
    return sorted(re.sub(r"=[^;]*", "=…", header, count=1) for header in headers)


def page(response, address: str) -> bytes:
    """The page with the email, this browser's CSRF token and the response's CSP nonce left
    out (both random)."""
    body = response.data.replace(address.encode(), b"EMAIL")
    nonce = re.search(rb'name="csp-nonce" content="([^"]+)"', body).group(1)
    body = body.replace(nonce, b"NONCE")
    return re.sub(rb'(name="csrf[-_]token"[^>]*?(?:content|value)=")[^"]+', rb"\1CSRF", body)


def test_taken_and_new_emails_get_the_same_answer(app_factory, smtp):
    app = app_factory(**mail_config(smtp.port), WTF_CSRF_ENABLED=True)
    add_account(app, "owner@example.org")
    answers = {}
    for address in ("owner@example.org", "newcomer@example.org"):
        client = app.test_client()
        form = client.get("/auth/signup")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', form.data)
        response = client.post(
            "/auth/signup",
            data={"display_name": "Ada", "email": address, "csrf_token": token.group(1).decode()},
        )
        answers[address] = response
    taken, new = answers["owner@example.org"], answers["newcomer@example.org"]
    assert taken.status_code == new.status_code == 200
    assert page(taken, "owner@example.org") == page(new, "newcomer@example.org")
    assert b"We sent a link to <strong>newcomer@example.org</strong>" in new.data
    assert cookies_set(taken) == cookies_set(new)
    # Each got its mail; no account was made for the new email yet.
    assert len(smtp.to("owner@example.org")) == 1 and len(smtp.to("newcomer@example.org")) == 1
    assert user_count(app) == 1


def test_the_owner_of_a_taken_email_gets_a_notice_without_a_link(mail_app, smtp):
    add_account(mail_app, "owner@example.org")
    start_signup(mail_app.test_client(), "OWNER@example.org")
    notice = smtp.body("owner@example.org")
    assert "tried to create a new Friction Lab account" in notice
    assert f"{SITE}/auth/login" in notice
    assert "/signup/finish/" not in notice
    (message,) = smtp.to("owner@example.org")
    assert message["From"] == "Friction Lab <lab@lab.test>"


def test_the_link_creates_the_account_and_signs_in(mail_app, smtp):
    client = mail_app.test_client()
    start_signup(client, "newcomer@example.org", name="Grace")
    path = LINK.search(smtp.body("newcomer@example.org")).group(1)
    opened = client.get(path)
    # Opening the link (a mail scanner does too) creates nothing yet.
    assert opened.status_code == 200 and b"newcomer@example.org" in opened.data
    assert user_count(mail_app) == 0
    finished = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert finished.status_code == 302
    with mail_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "newcomer@example.org"))
        assert user.display_name == "Grace" and user.role == "learner"
    # Signed in: the login page sends a signed-in learner on.
    assert client.get("/auth/login").status_code == 302
    assert client.post("/auth/logout").status_code == 302
    login = client.post("/auth/login", data={"email": "newcomer@example.org", "password": PASSWORD})
    assert login.status_code == 302


def test_the_link_refuses_a_weak_password_and_keeps_working(mail_app, smtp):
    client = mail_app.test_client()
    start_signup(client, "newcomer@example.org")
    path = LINK.search(smtp.body("newcomer@example.org")).group(1)
    weak = client.post(path, data={"password": "1234567890", "confirm": "1234567890"})
    assert weak.status_code == 400 and user_count(mail_app) == 0
    assert client.post(path, data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 302


def test_a_link_works_once(mail_app, smtp):
    client = mail_app.test_client()
    start_signup(client, "newcomer@example.org")
    path = LINK.search(smtp.body("newcomer@example.org")).group(1)
    assert client.post(path, data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 302
    other = mail_app.test_client()
    again = other.post(path, data={"password": "another long passphrase", "confirm": "x"})
    assert again.status_code == 400
    assert b"already used" in again.data
    assert other.get(path).status_code == 400
    assert user_count(mail_app) == 1


def test_a_changed_link_is_refused(mail_app, smtp):
    client = mail_app.test_client()
    start_signup(client, "newcomer@example.org")
    path = LINK.search(smtp.body("newcomer@example.org")).group(1)
    token = path.rsplit("/", 1)[1]
    # Another email in the payload, the original signature.
    forged = URLSafeTimedSerializer("attacker-key", salt=SIGNUP_SALT).dumps(
        {"email": "victim@example.org", "name": "Eve"}
    )
    for bad in (token[:-3], forged.rsplit(".", 2)[0] + "." + token.split(".", 1)[1]):
        response = client.post(
            f"/auth/signup/finish/{bad}", data={"password": PASSWORD, "confirm": PASSWORD}
        )
        assert response.status_code == 400
        assert b"not valid" in response.data
    assert user_count(mail_app) == 0


def test_an_expired_link_is_refused(mail_app, smtp):
    class SignedLongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 25 * 3600

    signer = URLSafeTimedSerializer(
        mail_app.config["SECRET_KEY"], salt=SIGNUP_SALT, signer=SignedLongAgo
    )
    token = signer.dumps({"email": "late@example.org", "name": "Late"})
    response = mail_app.test_client().post(
        f"/auth/signup/finish/{token}", data={"password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 400
    assert b"This link has expired" in response.data
    assert user_count(mail_app) == 0


def test_a_mail_server_that_is_down_gets_a_clear_message(app_factory):
    app = app_factory(**mail_config(free_port()), MAIL_TIMEOUT_S=5)
    add_account(app, "owner@example.org")
    answers = {}
    for address in ("owner@example.org", "newcomer@example.org"):
        answers[address] = start_signup(app.test_client(), address, name="Ada Lovelace")
    taken, new = answers["owner@example.org"], answers["newcomer@example.org"]
    assert taken.status_code == new.status_code == 503
    assert b"could not be sent: the mail server did not answer" in new.data
    # What was typed is kept in the form.
    assert b'value="newcomer@example.org"' in new.data and b'value="Ada Lovelace"' in new.data
    assert page(taken, "owner@example.org") == page(new, "newcomer@example.org")
    assert user_count(app) == 1


def test_sign_up_forms_require_a_csrf_token(app_factory, smtp):
    app = app_factory(**mail_config(smtp.port), WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert start_signup(client, "newcomer@example.org").status_code == 400
    assert smtp.messages == []
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SIGNUP_SALT).dumps(
        {"email": "newcomer@example.org", "name": "Ada"}
    )
    path = f"/auth/signup/finish/{token}"
    assert client.get(path).status_code == 200
    assert client.post(path, data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 400
    assert user_count(app) == 0


def test_mail_to_one_address_is_limited_whoever_asks(app_factory, smtp):
    app = app_factory(
        **mail_config(smtp.port), RATELIMIT_ENABLED=True, SIGNUP_MAIL_RATE_LIMIT="2 per hour"
    )
    add_account(app, "owner@example.org")
    for address in ("owner@example.org", "newcomer@example.org"):
        codes = [start_signup(app.test_client(), address).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert len(smtp.to(address)) == 2
    # Another address is counted on its own.
    assert start_signup(app.test_client(), "third@example.org").status_code == 200


BAD_TOKENS = ["x", "%00", "<script>alert(1)</script>", "a" * 5000, "%ED%A0%80", "a.b.c"]
BAD_FORMS = [
    {},
    {"email": "not-an-email", "display_name": ""},
    {"email": "a@example.org\r\nBcc: everyone@example.org", "display_name": "A"},
    {"email": ["a@example.org", "b@example.org"], "display_name": ""},
    {"email": "a" * 5000 + "@example.org", "display_name": "A"},
]


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_odd_links_are_refused_clearly(mail_app, smtp, token):
    client = mail_app.test_client()
    for response in (
        client.get(f"/auth/signup/finish/{token}"),
        client.post(f"/auth/signup/finish/{token}", data={"password": PASSWORD}),
    ):
        assert_clear_refusal(response, {400, 404})
        if response.status_code == 400:
            assert b"not valid" in response.data
    assert user_count(mail_app) == 0


@pytest.mark.parametrize("form", BAD_FORMS)
def test_bad_sign_up_input_sends_nothing(mail_app, smtp, form):
    response = mail_app.test_client().post("/auth/signup", data=form)
    assert_clear_refusal(response, {400})
    assert smtp.messages == []


@pytest.fixture
def tls_smtp(tmp_path, monkeypatch):
    """A real SMTP server that requires STARTTLS and a login ("lab" / "mail-secret"), with a
    certificate for localhost from a test CA that this process trusts (SSL_CERT_FILE)."""
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(server_context)
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    mailbox = Mailbox()
    mailbox.logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        mailbox.logins.append(auth_data.login)
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"lab", b"mail-secret"))

    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=free_port(),
        ready_timeout=60,
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


def test_mail_goes_over_starttls_with_the_login(app_factory, tls_smtp):
    app = app_factory(
        **mail_config(
            tls_smtp.port,
            MAIL_SERVER="localhost",
            MAIL_USE_TLS=True,
            MAIL_USERNAME="lab",
            MAIL_PASSWORD="mail-secret",
        )
    )
    assert start_signup(app.test_client(), "newcomer@example.org").status_code == 200
    assert LINK.search(tls_smtp.body("newcomer@example.org"))
    assert tls_smtp.logins == [b"lab"]


def test_a_wrong_mail_login_gets_the_clear_message(app_factory, tls_smtp):
    app = app_factory(
        **mail_config(
            tls_smtp.port,
            MAIL_SERVER="localhost",
            MAIL_USE_TLS=True,
            MAIL_USERNAME="lab",
            MAIL_PASSWORD="wrong",
            # smtplib tries its next mechanism after the refusal and waits out the timeout.
            MAIL_TIMEOUT_S=3,
        )
    )
    response = start_signup(app.test_client(), "newcomer@example.org")
    assert response.status_code == 503 and b"could not be sent" in response.data
    assert tls_smtp.messages == []


def test_mail_is_never_sent_in_clear_when_tls_is_asked(app_factory, smtp):
    # The plain server offers no STARTTLS: the app refuses to send rather than send in clear.
    app = app_factory(**mail_config(smtp.port, MAIL_USE_TLS=True, MAIL_USERNAME="lab"))
    response = start_signup(app.test_client(), "newcomer@example.org")
    assert response.status_code == 503 and b"could not be sent" in response.data
    assert smtp.messages == []


def test_mail_needs_the_site_url(monkeypatch, tmp_path):
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.delenv("SITE_URL", raising=False)
    with pytest.raises(SystemExit, match="set SITE_URL"):
        load_config(tmp_path)
    monkeypatch.setenv("SITE_URL", "https://lab.example.org/")
    assert load_config(tmp_path)["SITE_URL"] == "https://lab.example.org"
