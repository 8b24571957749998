"""Acknowledge interrupts, so the runner that sent one knows it arrived.

CPython's signal check under Emscripten reads the interrupt flag and then clears it in two steps;
an interrupt written in between is lost (a few percent of them). The browser worker and the Node
runner install this handler and write the interrupt again until it has been acknowledged.
"""

from __future__ import annotations

import signal
from collections.abc import Callable


def install(acknowledge: Callable[[], None]) -> None:
    """Call `acknowledge` on SIGINT, then raise KeyboardInterrupt as Python normally does."""

    def on_interrupt(signum: int, frame: object) -> None:
        acknowledge()
        signal.default_int_handler(signum, frame)

    signal.signal(signal.SIGINT, on_interrupt)
