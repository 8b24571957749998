"""Reading JSON request bodies for the API routes, with messages that say what to fix."""

from __future__ import annotations

import re
from typing import Any

from flask import Request
from flask import request
from flask.json.provider import DefaultJSONProvider
from pydantic import BaseModel
from pydantic import ValidationError

from .errors import Invalid

# Deeper than any body the pages send (an attempt is 4 levels deep); Python's parser would hit
# its recursion limit (a 500) on a few thousand levels.
MAX_JSON_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
# Text decoded as UTF-8 holds no surrogate, so in a body a lone one can only come from a \u
# escape in D800-DFFF: only then are the parsed strings walked (walking every string of every
# body cost more than parsing it).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def check_depth(text: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit`, before parsing it."""
    if text.count("[") + text.count("{") <= limit:
        return  # cannot be deeper than that: the common case, checked in C
    depth = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            raise Invalid(f"The JSON body is nested more than {limit} levels deep.")


def check_text(value: Any, where: str = "body") -> None:
    """Refuse strings that are not valid Unicode (a lone surrogate such as "\\ud800" cannot be
    stored as UTF-8, and would break that learner's exports later)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid(
                f"{where} holds text that is not valid Unicode (a lone surrogate such as "
                "\\ud800). Send UTF-8 text."
            ) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, where)
            check_text(item, f"{where}.{key}" if isinstance(key, str) and len(where) < 200
                       else where)
    elif isinstance(value, list):
        for item in value:
            check_text(item, where)


class StrictJSONProvider(DefaultJSONProvider):
    """JSON bodies are checked at the edge: bounded depth, valid UTF-8, no lone surrogates."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse a request body, refusing what would crash or poison what is stored."""
        decoded = isinstance(s, bytes)
        if isinstance(s, bytes):
            try:
                s = s.decode("utf-8")
            except UnicodeDecodeError:
                raise Invalid("The JSON body is not valid UTF-8.") from None
        check_depth(s)
        data = super().loads(s, **kwargs)
        if not decoded or _SURROGATE_ESCAPE.search(s):
            check_text(data)
        return data


class AppRequest(Request):
    """The app's request: a JSON body is never run through the form parser."""

    @property
    def want_form_data_parsed(self) -> bool:
        """Only a body that can hold form fields is parsed as a form. A JSON body holds none,
        yet Flask-WTF's CSRF check reads request.form (before the header) on every API post,
        and the form parser cost 7 us of each to find nothing."""
        return super().want_form_data_parsed and not self.is_json


def parse_json[M: BaseModel](
    model: type[M], refusal: str = "Not saved, the data is malformed"
) -> M:
    """Validate the JSON body against a pydantic model; a 400 names the first few bad fields."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise Invalid("Send a JSON object (Content-Type: application/json).")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
            for err in exc.errors()[:5]
        )
        raise Invalid(f"{refusal}: {problems}") from None


def request_size() -> int:
    """The request body's size in bytes: what a write charges against the account's daily
    byte quota (app/quotas.py). A body sent without a length (chunked) is measured."""
    length = request.content_length
    return length if length is not None else len(request.get_data())
