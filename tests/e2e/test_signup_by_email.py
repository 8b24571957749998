"""Sign-up confirmed by email, in Chromium against a live server whose mail goes to a real SMTP
server (aiosmtpd) in the test process: the learner signs up, opens the emailed link, chooses a
password and lands signed in; every page on the way is accessible."""

from __future__ import annotations

import re

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import LiveServer
from tests.e2e.conftest import assert_accessible
from tests.e2e.conftest import laptop_page
from tests.integration.test_signup_by_email import Mailbox
from tests.integration.test_signup_by_email import free_port

LINK = re.compile(r"http://lab\.test(/auth/signup/finish/\S+)")


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory):
    """A live server with mail configured, and the mailbox its mail reaches."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), ready_timeout=60)
    controller.start()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MAIL_SERVER", "127.0.0.1")
        env.setenv("MAIL_PORT", str(controller.port))
        env.setenv("MAIL_USE_TLS", "false")
        env.setenv("SITE_URL", "http://lab.test")
        server = LiveServer(tmp_path_factory.mktemp("live-mail"))
    server.mailbox = mailbox
    yield server
    server.stop()
    controller.stop()


@pytest.fixture
def mail_page(browser, mail_server, request):
    """A laptop-sized page on the mail-configured server."""
    yield from laptop_page(browser, mail_server, request)


def test_a_learner_signs_up_through_the_emailed_link(mail_page, mail_server):
    page = mail_page
    page.goto("/auth/signup")
    assert_accessible(page, "the sign-up page (mail configured)")
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)
    page.get_by_label("Name shown to you").fill("Grace")
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("We sent a link to grace@example.org")).to_be_visible()
    assert_accessible(page, "the 'check your email' page")

    path = LINK.search(mail_server.mailbox.body("grace@example.org")).group(1)
    page.goto(path)
    expect(page.get_by_text("grace@example.org is confirmed")).to_be_visible()
    assert_accessible(page, "the page the sign-up link opens")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.goto(path)  # the link again: used
    expect(page.get_by_role("alert")).to_contain_text("already used")
    assert_accessible(page, "a refused sign-up link")
    assert page.page_errors == [] and page.foreign_requests == []
