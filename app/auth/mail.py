"""Outgoing mail through the admin's SMTP server (standard library only: smtplib).

Mail is off unless MAIL_SERVER is set. A message is sent while the request waits, with a short
timeout (MAIL_TIMEOUT_S): the learner must hear at once when it could not be sent, since a
sign-up mail lost in a background queue would leave her waiting for a link that never comes.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlsplit


class MailNotSent(Exception):
    """The mail server could not be reached or refused the message."""


def mail_enabled(config) -> bool:
    """True when the admin configured an outgoing mail server."""
    return bool(config.get("MAIL_SERVER"))


def sender(config) -> str:
    """MAIL_FROM, else the login when it is an address, else no-reply at the site's host."""
    if config.get("MAIL_FROM"):
        return config["MAIL_FROM"]
    if "@" in config.get("MAIL_USERNAME", ""):
        return config["MAIL_USERNAME"]
    host = urlsplit(config.get("SITE_URL", "")).hostname or "localhost"
    return f"Friction Lab <no-reply@{host}>"


def send_mail(config, to: str, subject: str, body: str) -> None:
    """Send one plain-text message; raise MailNotSent if the server is down or refuses it."""
    message = EmailMessage()
    message["From"] = sender(config)
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=urlsplit(config.get("SITE_URL", "")).hostname)
    message.set_content(body)
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT_S"]
    try:
        if config.get("MAIL_USE_SSL"):
            smtp = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        # OSError covers refused connections, timeouts and TLS failures.
        raise MailNotSent(str(exc) or type(exc).__name__) from exc
