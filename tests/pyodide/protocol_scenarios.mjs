// Drives the shared runner protocol (static/src/runner-protocol.mjs) through its scenarios with
// fake timers: no waiting, no timing. Prints one JSON object: scenario name -> what happened.
// Used by test_runner_protocol.py; the Node runner and the browser both build on JobWatch.
import {
  GRACE_MS, JobWatch, RESEND_MS, SIGINT, START_ALLOWANCE_MS, STATE, STATE_BYTES,
} from "../../static/src/runner-protocol.mjs";

// setTimeout/setInterval that run only when the test advances the clock.
class FakeTimers {
  constructor() { this.now = 0; this.next = 1; this.pending = new Map(); }
  setTimeout(fn, ms) { const id = this.next++; this.pending.set(id, { fn, at: this.now + ms }); return id; }
  setInterval(fn, ms) { const id = this.next++; this.pending.set(id, { fn, at: this.now + ms, every: ms }); return id; }
  clearTimeout(id) { this.pending.delete(id); }
  clearInterval(id) { this.pending.delete(id); }
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.now = timer.at;
      if (timer.every) timer.at += timer.every; else this.pending.delete(id);
      timer.fn();
    }
    this.now = end;
  }
}

function setUp(limitMs = 1000) {
  const timers = new FakeTimers();
  const interrupt = new Int32Array(new SharedArrayBuffer(4));
  const state = new Int32Array(new SharedArrayBuffer(STATE_BYTES));
  const killed = [];
  const watch = new JobWatch({
    kind: "check", limitMs, interrupt, state, timers, onKilled: (verdict) => killed.push(verdict),
  });
  return { timers, interrupt, state, watch, killed };
}

const results = {};

// The clock does not run before the learner's code starts, however long that takes.
{
  const { timers, interrupt, watch, killed } = setUp(1000);
  timers.advance(START_ALLOWANCE_MS - 1);
  const beforeStart = Atomics.load(interrupt, 0);
  watch.started();
  timers.advance(999);
  const justBeforeLimit = Atomics.load(interrupt, 0);
  timers.advance(1);
  results.clock_starts_with_the_learners_code = {
    before_start: beforeStart, just_before_limit: justBeforeLimit, at_limit: Atomics.load(interrupt, 0),
    killed: killed.length, sigint: SIGINT,
  };
}

// An interrupt Python acknowledges: the harness's answer becomes the limit's verdict.
{
  const { timers, interrupt, state, watch, killed } = setUp(1000);
  watch.started();
  timers.advance(1000);
  Atomics.store(interrupt, 0, 0); // Python consumed it...
  Atomics.store(state, STATE.ACK, 1); // ...and its handler acknowledged it
  timers.advance(RESEND_MS * 3);
  const resent = watch.stats.resent;
  Atomics.store(state, STATE.DONE, 1);
  const verdict = watch.settle({ status: "timeout", kind: "check", tests: [{ name: "t", outcome: "error" }], stdout: "partial" });
  timers.advance(GRACE_MS * 2);
  results.acknowledged_interrupt = { resent, killed: killed.length, verdict };
}

// A dropped interrupt (consumed, not acknowledged) is written again.
{
  const { timers, interrupt, watch } = setUp(1000);
  watch.started();
  timers.advance(1000);
  Atomics.store(interrupt, 0, 0); // lost between CPython's read and clear: no acknowledgement
  timers.advance(RESEND_MS);
  results.dropped_interrupt_is_resent = { resent: watch.stats.resent, flag: Atomics.load(interrupt, 0) };
}

// A loop that swallows the interrupt: after the grace period the worker is replaced; the
// verdict is still the learner's timeout.
{
  const { timers, interrupt, state, watch, killed } = setUp(1000);
  watch.started();
  timers.advance(1000);
  Atomics.store(interrupt, 0, 0);
  Atomics.store(state, STATE.ACK, 1); // acknowledged, then swallowed: Python keeps running
  timers.advance(GRACE_MS - 1);
  const beforeGrace = killed.length;
  timers.advance(1);
  results.swallowed_interrupt_is_replaced = { before_grace: beforeGrace, killed };
}

// Code that never starts (a stuck worker, an overloaded machine) is aborted, not a timeout.
{
  const { timers, watch, killed } = setUp(1000);
  timers.advance(START_ALLOWANCE_MS);
  results.never_started = { killed, stopped_by: watch.stoppedBy };
}

// The learner presses Stop: their stop, never "the time limit was reached".
{
  const { timers, state, watch, killed } = setUp(3000);
  watch.started();
  timers.advance(700);
  watch.stop(true);
  Atomics.store(state, STATE.ACK, 1);
  timers.advance(RESEND_MS * 2);
  Atomics.store(state, STATE.DONE, 1);
  const verdict = watch.settle({ status: "timeout", kind: "check", tests: [] });
  timers.advance(3000); // the limit would have fallen due now: nothing may happen
  results.stopped_by_the_learner = { verdict, killed: killed.length };
}

// A crash while running is aborted; a crash caused by our own stop is the stop.
{
  const { watch } = setUp(1000);
  watch.started();
  results.crash = { verdict: watch.crashed("memory access out of bounds") };
  const second = setUp(1000);
  second.watch.started();
  second.timers.advance(1000);
  results.crash_after_the_limit = { verdict: second.watch.crashed("the worker exited") };
}

// A job that finished just as the limit fell due is not interrupted.
{
  const { timers, interrupt, state, watch } = setUp(1000);
  watch.started();
  Atomics.store(state, STATE.DONE, 1); // its answer exists; the message is still on its way
  timers.advance(1000);
  results.finished_at_the_limit = { flag: Atomics.load(interrupt, 0), stopped_by: watch.stoppedBy };
}

process.stdout.write(JSON.stringify(results));
