"""Acknowledge interrupts, and tell the runner when the learner's code starts.

CPython's signal check under Emscripten reads the interrupt flag and then clears it in two steps;
an interrupt written in between is lost (a few percent of them). The browser worker and the Node
runner install this handler and write the interrupt again until it has been acknowledged.

The time limit counts from the moment the learner's code starts, not from the moment a job is
sent: writing files and setting pytest up are the grader's time. The harness calls
`learner_code_starts()` at that moment and the runner starts its clock (runner-protocol.mjs).
"""

from __future__ import annotations

import signal
from collections.abc import Callable

_on_start: Callable[[], None] | None = None


def install(
    acknowledge: Callable[[], None], started: Callable[[], None] | None = None
) -> None:
    """Call `acknowledge` on SIGINT (then raise KeyboardInterrupt); `started` when code starts."""
    global _on_start
    _on_start = started

    def on_interrupt(signum: int, frame: object) -> None:
        acknowledge()
        signal.default_int_handler(signum, frame)

    signal.signal(signal.SIGINT, on_interrupt)


def learner_code_starts() -> None:
    """Tell the runner (if one listens) that the learner's code is about to run."""
    if _on_start is not None:
        _on_start()
