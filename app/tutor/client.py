"""The one place that talks to Anthropic (the only importer of the SDK in the project).

The official SDK does the HTTP, timeouts and retries (with backoff, honouring retry-after);
every failure comes out as one `TutorServiceError` whose `kind` says what failed, so the page
can say the tutor service failed, never the learner.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx2


class TutorServiceError(Exception):
    """The tutor service failed (timeout, rate limit, server error, malformed reply, ...)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Completion:
    """One model reply and what it cost."""

    text: str
    model: str
    input_tokens: int
    output_tokens: int
    latency_ms: int


class TutorClient:
    """A configured Anthropic client: key, base URL, timeout, retries, output token cap."""

    def __init__(
        self,
        api_key: str,
        base_url: str,
        timeout_s: float,
        max_retries: int,
        max_output_tokens: int,
        transport: httpx2.BaseTransport | None = None,
    ) -> None:
        # A transport is injected by tests only (app config, never the environment): the real
        # SDK then runs every request through it and nothing reaches the network.
        http_client = (
            httpx2.Client(transport=transport, timeout=timeout_s) if transport is not None else None
        )
        # Imported on first use: the SDK takes half of the app's import time, which every
        # `flask` command (lint, db, exercises) would otherwise pay.
        import anthropic

        self.sdk = anthropic.Anthropic(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout_s,
            max_retries=max_retries,
            http_client=http_client,
        )
        self.max_output_tokens = max_output_tokens
        self.timeout_s = timeout_s

    def complete(
        self,
        model: str,
        system: str,
        messages: list[dict[str, Any]],
        timeout_s: float | None = None,
    ) -> Completion:
        """Ask the model for one reply (within `timeout_s` per request when given); raise
        TutorServiceError on any failure."""
        import anthropic  # loaded by __init__; see there

        started = time.monotonic()
        options: dict[str, Any] = (
            {"timeout": min(timeout_s, self.timeout_s)} if timeout_s is not None else {}
        )
        try:
            message = self.sdk.messages.create(
                model=model,
                max_tokens=self.max_output_tokens,
                system=system,
                messages=messages,
                **options,
            )
        except anthropic.APITimeoutError as exc:
            raise TutorServiceError("timeout", "The tutor service did not answer in time.") from exc
        except anthropic.RateLimitError as exc:
            raise TutorServiceError(
                "rate_limited", "The tutor service is over its rate limit right now."
            ) from exc
        except anthropic.APIConnectionError as exc:
            raise TutorServiceError(
                "unreachable", "The tutor service could not be reached."
            ) from exc
        except anthropic.APIResponseValidationError as exc:
            raise TutorServiceError(
                "malformed", "The tutor service sent a malformed reply."
            ) from exc
        except anthropic.APIStatusError as exc:
            kind = "server_error" if exc.status_code >= 500 else "refused"
            raise TutorServiceError(
                kind, f"The tutor service failed (HTTP {exc.status_code})."
            ) from exc
        except ValueError as exc:  # a body that is not JSON at all
            raise TutorServiceError(
                "malformed", "The tutor service sent a malformed reply."
            ) from exc
        except anthropic.AnthropicError as exc:
            raise TutorServiceError("failed", "The tutor service failed.") from exc
        latency_ms = round((time.monotonic() - started) * 1000)
        return Completion(
            text=reply_text(message),
            model=str(getattr(message, "model", model) or model),
            input_tokens=int(getattr(message.usage, "input_tokens", 0) or 0),
            output_tokens=int(getattr(message.usage, "output_tokens", 0) or 0),
            latency_ms=latency_ms,
        )


def reply_text(message: Any) -> str:
    """The text of a reply; anything else (no content, no text block, empty) is malformed."""
    blocks = getattr(message, "content", None)
    if not isinstance(blocks, list):
        raise TutorServiceError("malformed", "The tutor service sent a reply with no content.")
    text = "".join(
        getattr(block, "text", "") or "" for block in blocks if getattr(block, "type", "") == "text"
    ).strip()
    if not text:
        raise TutorServiceError("malformed", "The tutor service sent a reply with no text.")
    return text
