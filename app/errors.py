"""Domain exceptions, and the one place that maps them (and HTTP errors) to responses."""

from __future__ import annotations

import time

from flask import Flask
from flask import jsonify
from flask import render_template
from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES


class DomainError(Exception):
    """Base for errors a service raises; `status` is the HTTP status a route should use."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing asked for does not exist (or is not yours to see)."""

    status = 404


class NotAllowed(DomainError):
    """The user may not do this."""

    status = 403


class Invalid(DomainError):
    """The input is malformed; the message says what to fix."""

    status = 400


class Conflict(DomainError):
    """The request clashes with what is stored."""

    status = 409


class QuotaExceeded(DomainError):
    """The account has written as much as its quota allows for now (app/quotas.py)."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def wants_json() -> bool:
    """API callers get JSON errors; browsers get a page."""
    return request.path.startswith("/api/") or request.is_json


def error_response(status: int, title: str, message: str):
    """Render an error as JSON or as a calm page that says what to do next."""
    if wants_json():
        return jsonify(error=title, message=message), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


HTTP_MESSAGES = {
    400: "The request was malformed. Reload the page and try again.",
    403: "You do not have access to this page.",
    404: "There is nothing at this address. Check the link, or go back to the exercises.",
    405: "That action is not allowed here.",
    413: "That is too large to send. Make the files smaller and try again.",
    429: "Too many tries in a short time. Wait a minute, then try again.",
    500: "Something went wrong on the server. Your work in the editor is kept; try again shortly.",
}


def with_retry_after(response):
    """Say when the limit that refused this request lifts (Retry-After, in seconds)."""
    from .extensions import limiter

    body, status = response
    current = limiter.current_limit
    wait = max(1, int(current.reset_at - time.time())) if current else 60
    return body, status, {"Retry-After": str(wait)}


def register_error_handlers(app: Flask) -> None:
    """Map domain exceptions and HTTP errors to responses in one place."""

    @app.before_request
    def refuse_nul_in_the_address():
        # No id or slug of ours holds a NUL, and PostgreSQL text cannot: a URL part with one
        # names nothing (404), rather than a database error (500).
        if any("\x00" in str(value) for value in (request.view_args or {}).values()):
            return error_response(404, "NotFound", HTTP_MESSAGES.get(404, "Not found."))

    @app.errorhandler(QuotaExceeded)
    def handle_quota_exceeded(exc: QuotaExceeded):
        # As the 429s of the per-address limits look: the same title, and when to try again.
        body, status = error_response(exc.status, "Too Many Requests", exc.message)
        return body, status, {"Retry-After": str(max(1, exc.retry_after))}

    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError):
        if wants_json():  # API callers match on the error's name ("NotFound", "Invalid")
            return error_response(exc.status, type(exc).__name__, exc.message)
        # A person reads the page: "Not Found", as for any other 404, not a class name.
        return error_response(exc.status, HTTP_STATUS_CODES.get(exc.status, "Error"), exc.message)

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException):
        status = exc.code or 500
        message = HTTP_MESSAGES.get(status, exc.description or "")
        if status == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH") or 0
            message = f"The request is larger than the {limit // 1024} KB limit. {message}"
        elif status == 400 and exc.description and "CSRF" in exc.description:
            message = "The form expired or came from elsewhere. Reload the page and try again."
        response = error_response(status, exc.name, message)
        if status == 429:
            response = with_retry_after(response)
        return response
