"""The tutor's work: who may ask and how much is left, what the tutor sees, asking the model,
guarding its reply, and storing every turn. Every query is scoped to the user id it is given.

A turn has two steps so the page can show real progress: `start_turn` reads the learner's code
and their failing check and stores the context (what the tutor saw); `answer_turn` writes the
question: the cheap model, once more with the violation named if a hard guard failed, the
stronger model if the guards rejected twice (configurable), and finally the authored hint for
the level. A service failure says the service failed; the hint ladder keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import time
from datetime import timedelta
from time import monotonic
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..catalog import ensure_exercise_row
from ..errors import DomainError
from ..errors import Invalid
from ..errors import NotAllowed
from ..errors import NotFound
from ..exercises import Exercise
from ..extensions import db
from ..models import Attempt
from ..models import TutorTurn
from ..practice.services import hint_state
from ..practice.services import last_failure_reflection
from ..practice.services import take_hint
from .client import TutorClient
from .client import TutorServiceError
from .guards import check_reply
from .guards import context_for
from .guards import hard_failures
from .guards import violation_note
from .prompt import REFERENCE_WITHHELD
from .prompt import TutorPrompt
from .prompt import build_prompt
from .prompt import files_block
from .prompt import regeneration_note

QUESTION_MAX_CHARS = 300
MIN_TRY_S = 2.0  # a regeneration is not worth starting with less time than this left


class TutorLimitReached(DomainError):
    """A tutor limit (daily turns, cooldown, server budget) says not now; the message says when."""

    status = 429


@dataclass(frozen=True)
class TutorSettings:
    """The tutor's configuration, read once from the app config."""

    model: str
    strong_model: str
    escalate_after: int
    learner_daily_turns: int
    cooldown_s: int
    daily_token_budget: int
    turn_deadline_s: float = 40.0

    @classmethod
    def from_config(cls, config: Any) -> TutorSettings:
        """Read the TUTOR_* settings."""
        return cls(
            model=config["TUTOR_MODEL"],
            strong_model=config["TUTOR_STRONG_MODEL"] or "",
            escalate_after=config["TUTOR_ESCALATE_AFTER"],
            learner_daily_turns=config["TUTOR_LEARNER_DAILY_TURNS"],
            cooldown_s=config["TUTOR_COOLDOWN_S"],
            daily_token_budget=config["TUTOR_DAILY_TOKEN_BUDGET"],
            turn_deadline_s=config["TUTOR_TURN_DEADLINE_S"],
        )

    def models(self) -> list[str]:
        """The model of each try: the cheap one, again, then the strong one if configured."""
        tries = [self.model, self.model]
        if self.strong_model and self.escalate_after > 0:
            tries = tries[: self.escalate_after] + [self.strong_model]
        return tries


@dataclass
class Tutor:
    """The configured client and settings, kept on the app (absent without an API key)."""

    client: TutorClient
    settings: TutorSettings


def init_tutor(app: Any) -> Tutor | None:
    """Build the tutor from the app config; None (no tutor at all) without an API key."""
    config = app.config
    if not config.get("ANTHROPIC_API_KEY"):
        return None
    client = TutorClient(
        api_key=config["ANTHROPIC_API_KEY"],
        base_url=config["ANTHROPIC_BASE_URL"],
        timeout_s=config["TUTOR_TIMEOUT_S"],
        max_retries=config["TUTOR_MAX_RETRIES"],
        max_output_tokens=config["TUTOR_MAX_OUTPUT_TOKENS"],
        transport=config.get("TUTOR_HTTP_TRANSPORT"),
    )
    tutor = Tutor(client=client, settings=TutorSettings.from_config(config))
    app.extensions["tutor"] = tutor
    return tutor


def get_tutor() -> Tutor:
    """The app's tutor; NotFound when the server has no API key."""
    tutor = current_app.extensions.get("tutor")
    if tutor is None:
        raise NotFound("This server has no AI tutor. The hints work as always.")
    return tutor


# ---------- limits ----------


def day_start(now: datetime) -> datetime:
    """Midnight UTC of `now`'s day (budgets are per UTC day)."""
    return datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)


def counted_turns(user_id: int, since: datetime) -> int:
    """The learner's turns since then that count against their budget (service failures do not:
    the service failed, not the learner)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(TutorTurn.id)).where(
                TutorTurn.user_id == user_id,
                TutorTurn.created_at >= since,
                TutorTurn.status != "failed",
            )
        )
        or 0
    )


def tokens_used(since: datetime) -> int:
    """Tokens (in and out) the whole server spent on the tutor since then."""
    return (
        db.session.scalar(
            sa.select(
                sa.func.coalesce(sa.func.sum(TutorTurn.input_tokens + TutorTurn.output_tokens), 0)
            ).where(TutorTurn.created_at >= since)
        )
        or 0
    )


def last_turn_at(user_id: int, exercise_id: str) -> datetime | None:
    """When the learner last asked the tutor about this exercise (failed turns excluded)."""
    return db.session.scalar(
        sa.select(sa.func.max(TutorTurn.created_at)).where(
            TutorTurn.user_id == user_id,
            TutorTurn.exercise_id == exercise_id,
            TutorTurn.status != "failed",
        )
    )


@dataclass(frozen=True)
class Allowance:
    """What is left for this learner on this exercise right now."""

    turns_left: int
    turns_per_day: int
    cooldown_s: int
    tokens_left: int

    def refusal(self) -> str | None:
        """Why the tutor cannot be asked now, or None."""
        if self.tokens_left <= 0:
            return (
                "The tutor service has used today's budget for this server. It opens again "
                "tomorrow (UTC); the hints work as always."
            )
        if self.turns_left <= 0:
            return (
                f"You have asked the tutor {self.turns_per_day} times today, the daily limit. "
                "It opens again tomorrow (UTC); the hints work as always."
            )
        if self.cooldown_s > 0:
            return (
                f"The tutor can be asked about this exercise again in {self.cooldown_s} s: "
                "try its last question on your code first."
            )
        return None


def allowance(user_id: int, exercise_id: str, settings: TutorSettings, now: datetime) -> Allowance:
    """Count what is left: daily turns, this exercise's cooldown, the server's token budget."""
    last = last_turn_at(user_id, exercise_id)
    wait = (last + timedelta(seconds=settings.cooldown_s) - now).total_seconds() if last else 0
    return Allowance(
        turns_left=max(0, settings.learner_daily_turns - counted_turns(user_id, day_start(now))),
        turns_per_day=settings.learner_daily_turns,
        cooldown_s=max(0, int(wait + 0.999)),
        tokens_left=max(0, settings.daily_token_budget - tokens_used(day_start(now))),
    )


# ---------- the level the tutor may speak at ----------


def unlocked_level(user_id: int, exercise: Exercise, now: datetime) -> tuple[int, str]:
    """The highest hint level the learner may see now (0 = none yet), and what unlocks more."""
    status, taken = hint_state(user_id, exercise, now)
    level = max((h.level for h in taken), default=0)
    if status.available and status.next_level:
        level = max(level, status.next_level)
    return level, status.reason


# ---------- what the tutor sees ----------


def latest_check(user_id: int, exercise_id: str) -> Attempt | None:
    """The learner's most recent check on this exercise."""
    return db.session.scalar(
        sa.select(Attempt)
        .where(
            Attempt.user_id == user_id,
            Attempt.exercise_id == exercise_id,
            Attempt.kind == "check",
        )
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(1)
    )


def failing_tests(attempt: Attempt | None) -> list[dict[str, Any]]:
    """The failing tests of a check, as the tutor reads them (name, description, message)."""
    if attempt is None:
        return []
    verdict = attempt.verdict or {}
    failing = [
        {k: t.get(k) for k in ("name", "description", "message", "line")}
        for t in verdict.get("tests") or []
        if isinstance(t, dict) and t.get("outcome") in ("failed", "error")
    ]
    error = verdict.get("error")
    if not failing and isinstance(error, dict):
        failing = [{"name": error.get("type"), "message": error.get("message")}]
    return failing[:8]


def start_turn(user_id: int, exercise: Exercise, question: str, now: datetime) -> TutorTurn:
    """Step 1: check the learner may ask, read their code and failing check, store the context."""
    tutor = get_tutor()
    question = (question or "").strip()
    if not question:
        raise Invalid("Ask the tutor in one line: what you tried, or where you are stuck.")
    if len(question) > QUESTION_MAX_CHARS:
        raise Invalid(f"Keep the question to one line (at most {QUESTION_MAX_CHARS} characters).")
    level, reason = unlocked_level(user_id, exercise, now)
    if level == 0:
        raise NotAllowed(f"The tutor opens with the first hint. {reason}".strip())
    refusal = allowance(user_id, exercise.id, tutor.settings, now).refusal()
    if refusal:
        raise TutorLimitReached(refusal)
    attempt = latest_check(user_id, exercise.id)
    code = dict(attempt.files) if attempt else dict(exercise.starter)
    reflection = last_failure_reflection(user_id, exercise.id)
    _, taken = hint_state(user_id, exercise, now)
    prompt = build_prompt(
        exercise_prompt=exercise.prompt_md,
        level=level,
        hints_shown=[exercise.hints[h.level - 1] for h in taken],
        learner_code=code,
        failing_tests=failing_tests(attempt),
        check_status=attempt.status if attempt else None,
        last_reflection=(
            " / ".join(p for p in (reflection.error_in_own_words, reflection.cause_guess) if p)
            if reflection
            else None
        ),
        question=question,
        reference=exercise.solution,
    )
    ensure_exercise_row(exercise)
    turn = TutorTurn(
        user_id=user_id,
        exercise_id=exercise.id,
        exercise_version=exercise.version,
        attempt_id=attempt.id if attempt else None,
        level=level,
        question=question,
        status="pending",
        context=prompt.stored(tutor.settings.model),
        raw_replies=[],
        guard_results=[],
        created_at=now,
    )
    db.session.add(turn)
    db.session.commit()
    return turn


def own_turn(user_id: int, turn_id: int) -> TutorTurn:
    """One of the learner's turns, or a 404 (another learner's turn is not found either)."""
    turn = db.session.get(TutorTurn, turn_id)
    if turn is None or turn.user_id != user_id:
        raise NotFound("There is no such tutor turn.")
    return turn


def answer_turn(user_id: int, turn_id: int, exercise: Exercise, now: datetime) -> TutorTurn:
    """Step 2: ask the model, guard each reply, regenerate or fall back; store everything."""
    tutor = get_tutor()
    turn = own_turn(user_id, turn_id)
    if turn.exercise_id != exercise.id:
        raise NotFound("There is no such tutor turn on this exercise.")
    if turn.status != "pending":
        return turn  # answered already (a double click, a retried request)
    attempt = db.session.get(Attempt, turn.attempt_id) if turn.attempt_id else None
    code = dict(attempt.files) if attempt else dict(exercise.starter)
    shown_failures = "\n".join(
        f"{t.get('description') or ''} {t.get('message') or ''}" for t in failing_tests(attempt)
    )
    guard_ctx = context_for(
        exercise,
        turn.level,
        tests_failing=not (attempt and attempt.passed),
        learner_code=code,
        seen=shown_failures,
    )
    prompt = build_prompt_for(turn, exercise)
    messages = prompt.messages()
    raws: list[str] = []
    results: list[Any] = []
    shown: str | None = None
    # One turn must fit in one web request: no new try starts once the deadline is near.
    deadline = monotonic() + tutor.settings.turn_deadline_s
    try:
        for number, model in enumerate(tutor.settings.models()):
            remaining = deadline - monotonic()
            if number > 0 and remaining < MIN_TRY_S:
                break
            completion = tutor.client.complete(
                model, prompt.system, messages, timeout_s=max(remaining, MIN_TRY_S)
            )
            turn.model = completion.model
            turn.input_tokens += completion.input_tokens
            turn.output_tokens += completion.output_tokens
            turn.latency_ms += completion.latency_ms
            verdicts = check_reply(completion.text, guard_ctx)
            raws.append(completion.text)
            results.append({"model": completion.model, "guards": [v.as_dict() for v in verdicts]})
            failures = hard_failures(verdicts)
            if not failures:
                shown = completion.text
                break
            note = violation_note(failures)
            messages = [
                *prompt.messages(),
                {"role": "assistant", "content": completion.text},
                {"role": "user", "content": regeneration_note(note)},
            ]
    except TutorServiceError as exc:
        turn.error = f"{exc.kind}: {exc.message}"[:300]
    turn.raw_replies = raws
    turn.guard_results = results
    if shown is not None:
        turn.status, turn.final_reply = "answered", shown
    elif raws:
        # Every reply broke a hard guard (or the service failed after a rejection): the
        # authored hint for the level is shown instead, and the ladder records it.
        turn.status, turn.final_reply = "fallback", authored_hint(user_id, exercise, turn, now)
    else:
        turn.status = "failed"
    db.session.commit()
    return turn


def build_prompt_for(turn: TutorTurn, exercise: Exercise) -> TutorPrompt:
    """The prompt the turn stored, with the reference put back where it was withheld."""
    shown = turn.context["messages"][0]["content"]
    before, _, after = shown.rpartition(REFERENCE_WITHHELD)
    return TutorPrompt(
        system=turn.context["system"],
        sent=before + files_block(exercise.solution) + after,
        shown=shown,
    )


def authored_hint(user_id: int, exercise: Exercise, turn: TutorTurn, now: datetime) -> str:
    """The authored hint of the turn's level; taking it on the ladder if it was not yet shown."""
    level = min(turn.level, len(exercise.hints))  # the exercise may have changed meanwhile
    status, taken = hint_state(user_id, exercise, now)
    if level not in {h.level for h in taken}:
        if status.next_level == level and status.available:
            take_hint(user_id, exercise, level, turn.question, now)
    return exercise.hints[level - 1]


# ---------- what the page reads ----------


def guards_shown(turn: TutorTurn) -> list[dict[str, Any]]:
    """The guard results of every reply the tutor wrote, in order."""
    return list(turn.guard_results or [])


def turn_view(turn: TutorTurn, render: Any) -> dict[str, Any]:
    """A turn as the page shows it: the reply (rendered), its source, and what the tutor saw."""
    failed = turn.status == "failed"
    return {
        "id": turn.id,
        "level": turn.level,
        "question": turn.question,
        "status": turn.status,
        "reply_html": render(turn.final_reply) if turn.final_reply else None,
        "source": {"answered": "tutor", "fallback": "authored_hint"}.get(turn.status),
        "message": service_failure_message(turn.error) if failed else None,
        "saw": {
            "context": turn.context,
            "replies": [
                {"text": text, **result}
                for text, result in zip(
                    visible_replies(
                        {
                            "status": turn.status,
                            "raw_replies": turn.raw_replies,
                            "guard_results": turn.guard_results,
                        }
                    ),
                    guards_shown(turn),
                    strict=False,
                )
            ],
        },
        "model": turn.model,
        "tokens": turn.input_tokens + turn.output_tokens,
        "created_at": turn.created_at.isoformat(),
    }


def service_failure_message(error: str | None) -> str:
    """What the learner reads when the service failed: the service, not them."""
    kind = (error or "").split(":", 1)[0]
    what = {
        "timeout": "did not answer in time",
        "rate_limited": "is busy (over its rate limit)",
        "server_error": "had an internal error",
        "malformed": "sent a reply that could not be read",
        "unreachable": "could not be reached",
    }.get(kind, "failed")
    return (
        f"The tutor service {what}. That is the service's failure, not yours: this question "
        "does not count against your tutor budget, and the hints work as always."
    )


def tutor_state(user_id: int, exercise: Exercise, now: datetime, render: Any) -> dict[str, Any]:
    """Whether the learner can ask now, what is left, and their turns on this exercise."""
    tutor = get_tutor()
    level, reason = unlocked_level(user_id, exercise, now)
    left = allowance(user_id, exercise.id, tutor.settings, now)
    turns = db.session.scalars(
        sa.select(TutorTurn)
        .where(TutorTurn.user_id == user_id, TutorTurn.exercise_id == exercise.id)
        .order_by(TutorTurn.created_at, TutorTurn.id)
    )
    refusal = left.refusal()
    return {
        "level": level,
        "available": level > 0 and refusal is None,
        "reason": reason if level == 0 else (refusal or ""),
        "turns_left_today": left.turns_left,
        "turns_per_day": left.turns_per_day,
        "cooldown_seconds": left.cooldown_s,
        "server_budget_left": left.tokens_left > 0,
        "turns": [turn_view(t, render) for t in turns if t.status != "pending"],
    }


def rejected_note(result: dict[str, Any]) -> str:
    """What stands in for a rejected reply's text wherever the learner can read it."""
    failed = [g["id"] for g in result.get("guards", []) if g.get("hard") and not g.get("passed")]
    return f"[withheld: rejected by {', '.join(failed) or 'the guards'}; it may hold the answer]"


def visible_replies(turn_row: dict[str, Any]) -> list[str]:
    """Each reply's text as the learner may read it: the shown one, rejected ones withheld."""
    raws = list(turn_row.get("raw_replies") or [])
    results = list(turn_row.get("guard_results") or [])
    out = []
    for i, raw in enumerate(raws):
        shown = turn_row.get("status") == "answered" and i == len(raws) - 1
        out.append(raw if shown else rejected_note(results[i] if i < len(results) else {}))
    return out


def turn_export(turn_row: dict[str, Any]) -> dict[str, Any]:
    """A stored turn as the learner's export holds it (rejected replies withheld)."""
    return {**turn_row, "raw_replies": visible_replies(turn_row)}
