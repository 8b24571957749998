"""A fake Anthropic Messages API as an httpx2 transport: the real SDK sends real HTTP requests
to it (headers, JSON body, retries, timeouts), and nothing leaves the machine.

A script is a list of steps, one per HTTP request: a reply text, an HTTP status, a timeout, or
a malformed body. Every request the SDK sent is kept, to assert what the tutor was told.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2

Step = str | dict[str, Any]


def message(text: str, model: str = "claude-haiku-5-5", tokens: tuple[int, int] = (420, 38)):
    """A Messages API success body holding one text block."""
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": tokens[0], "output_tokens": tokens[1]},
    }


def status(code: int, retry_after_ms: int = 1) -> dict[str, Any]:
    """An HTTP error step (retry-after keeps the SDK's backoff short)."""
    return {"status": code, "retry_after_ms": retry_after_ms}


TIMEOUT = {"timeout": True}


def malformed(body: Any) -> dict[str, Any]:
    """A 200 whose body is not a usable message (raw bytes or a JSON value)."""
    return {"malformed": body}


class FakeAnthropic:
    """Answers the SDK's requests from a script (or a function of the request)."""

    def __init__(self, script: list[Step] | Callable[[dict[str, Any]], Step]) -> None:
        # A copy: the script is consumed step by step, and one parametrized list serves the
        # test on every database engine.
        self.script = script if callable(script) else list(script)
        self.requests: list[dict[str, Any]] = []

    def next_step(self, body: dict[str, Any]) -> Step:
        if callable(self.script):
            return self.script(body)
        if not self.script:
            raise AssertionError("the fake Anthropic API got more requests than scripted")
        return self.script.pop(0)

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        assert request.url.path == "/v1/messages", request.url
        body = json.loads(request.content)
        self.requests.append({"headers": dict(request.headers), "body": body})
        step = self.next_step(body)
        if isinstance(step, str):
            return httpx2.Response(200, json=message(step, model=body["model"]))
        if step.get("timeout"):
            raise httpx2.ReadTimeout("the fake API took too long", request=request)
        if "status" in step:
            return httpx2.Response(
                step["status"],
                headers={"retry-after-ms": str(step["retry_after_ms"])},
                json={"type": "error", "error": {"type": "api_error", "message": "fake failure"}},
            )
        if "malformed" in step:
            raw = step["malformed"]
            if isinstance(raw, bytes):
                return httpx2.Response(
                    200, content=raw, headers={"content-type": "application/json"}
                )
            return httpx2.Response(200, json=raw)
        raise AssertionError(f"unknown step {step!r}")

    def transport(self) -> httpx2.MockTransport:
        """The transport to put in the app config (TUTOR_HTTP_TRANSPORT)."""
        return httpx2.MockTransport(self.handle)

    def user_text(self, index: int = -1) -> str:
        """The text of the first user message of one request."""
        return self.requests[index]["body"]["messages"][0]["content"]
