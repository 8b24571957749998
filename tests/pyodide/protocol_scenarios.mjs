// Drives the shared runner protocol (static/src/runner-protocol.mjs) through its scenarios with
// fake timers: no waiting, no timing. Prints one JSON object: scenario name -> what happened.
// Used by test_runner_protocol.py; the Node runner and the browser both build on JobWatch.
import {
  BUSY_SLOWDOWN, forcedSlowdown, GRACE_MS, JobWatch, MAX_STRETCH, RESEND_MS, runFairly, SIGINT,
  SpeedGauge, START_ALLOWANCE_MS, STATE, STATE_BYTES,
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

function setUp(limitMs = 1000, { gauge = null, stretch = 1, timers = new FakeTimers() } = {}) {
  const interrupt = new Int32Array(new SharedArrayBuffer(4));
  const state = new Int32Array(new SharedArrayBuffer(STATE_BYTES));
  const killed = [];
  const watch = new JobWatch({
    kind: "check", limitMs, interrupt, state, timers, gauge, stretch,
    onKilled: (verdict) => killed.push(verdict),
  });
  return { timers, interrupt, state, watch, killed };
}

// A gauge whose measures are scripted: the slowdown factors it reports, one per measure.
function scriptedGauge(...factors) {
  const measured = [];
  const gauge = new SpeedGauge({ forced: forcedSlowdown(() => factors) });
  const slowdown = gauge.slowdown.bind(gauge);
  gauge.slowdown = () => { const factor = slowdown(); measured.push(factor); return factor; };
  return { gauge, measured };
}

// A loop that never ends, in a worker that acknowledges interrupts: runs until the limit, then
// answers as the harness does. Returns the job's verdict and the limit it ran under.
function endlessLoop(gauge, { stretch }, limits) {
  const { timers, interrupt, state, watch, killed } = setUp(1000, { gauge, stretch });
  watch.started();
  timers.advance(watch.limitMs - 1);
  const early = Atomics.load(interrupt, 0); // nothing before the (stretched) limit
  timers.advance(1);
  limits.push({ limit_ms: watch.limitMs, interrupted_early: early !== 0 });
  Atomics.store(interrupt, 0, 0);
  Atomics.store(state, STATE.ACK, 1);
  Atomics.store(state, STATE.DONE, 1);
  const verdict = watch.settle({ status: "timeout", kind: "check", tests: [{ name: "t", outcome: "error" }] });
  return killed[0] ?? verdict;
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

// ---- a busy machine ----------------------------------------------------------------------

// At the limit, a machine as fast as at start-up: the loop is the learner's.
{
  const { gauge, measured } = scriptedGauge(1);
  const limits = [];
  const retries = [];
  const verdict = await runFairly((options) => endlessLoop(gauge, options, limits), (v) => retries.push(v));
  results.idle_machine = { verdict, measured, limits, retries };
}

// Three times slower at the limit: the machine's stop; run once more with three times the limit,
// where (as slow again) the timeout is the learner's.
{
  const { gauge, measured } = scriptedGauge(3, 3);
  const limits = [];
  const retries = [];
  const verdict = await runFairly((options) => endlessLoop(gauge, options, limits), (v) => retries.push(v));
  results.busy_then_as_busy = { verdict, measured, limits, retries };
}

// Busier still during the re-run: aborted again, and that is the answer (no third run).
{
  const { gauge, measured } = scriptedGauge(3, 10);
  const limits = [];
  const retries = [];
  const verdict = await runFairly((options) => endlessLoop(gauge, options, limits), (v) => retries.push(v));
  results.busy_then_busier = { verdict, measured, limits, retries };
}

// Just under the threshold: still the learner's timeout, no second run.
{
  const { gauge, measured } = scriptedGauge(BUSY_SLOWDOWN);
  const limits = [];
  const retries = [];
  const verdict = await runFairly((options) => endlessLoop(gauge, options, limits), (v) => retries.push(v));
  results.at_the_threshold = { verdict, measured, limits, retries };
}

// A very busy machine: the re-run's limit is stretched at most MAX_STRETCH times.
{
  const { gauge } = scriptedGauge(50, 1);
  const limits = [];
  const verdict = await runFairly((options) => endlessLoop(gauge, options, limits));
  results.stretch_is_capped = { verdict, limits, max_stretch: MAX_STRETCH };
}

// The learner's Stop and a swallowed interrupt on a busy machine: Stop is never measured; a
// swallowed interrupt at the limit of a busy machine is the machine's too.
{
  const { gauge, measured } = scriptedGauge(4);
  const { timers, state, watch } = setUp(3000, { gauge });
  watch.started();
  timers.advance(700);
  watch.stop(true);
  Atomics.store(state, STATE.DONE, 1);
  const stopped = watch.settle({ status: "timeout", kind: "check", tests: [] });
  const second = setUp(1000, { gauge });
  second.watch.started();
  second.timers.advance(1000 + GRACE_MS);
  results.busy_stop_by_learner_and_swallowed = { stopped, measured, swallowed: second.killed };
}

// The gauge itself, with a scripted probe (milliseconds per measure): the reference is the
// fastest time seen; a faster machine later is not "negative busy".
{
  const times = [30, 20, 25, 60, 40, 10, 10, 15, 15];
  const gauge = new SpeedGauge({ probe: () => times.shift() });
  const before = gauge.slowdown(); // never calibrated: no claim
  gauge.calibrate(); // fastest of 30, 20, 25
  const best = gauge.bestMs;
  const busy = gauge.slowdown(); // fastest of 60, 40 -> 2x
  const faster = gauge.slowdown(); // 10, 10: faster than at start -> 1, and the new reference
  const after = gauge.slowdown(); // 15, 15 against 10
  results.gauge = { before, best, busy, faster, after, best_after: gauge.bestMs };
}

// A page opened while the machine is already busy: the best time kept from an earlier visit is
// the reference, and a new best is kept for the next visit.
{
  let kept = 20;
  const writes = [];
  const remembered = { read: () => kept, write: (ms) => { kept = ms; writes.push(ms); } };
  const times = [60, 70, 65, 60, 60, 12, 12];
  const gauge = new SpeedGauge({ probe: () => times.shift(), remembered });
  gauge.calibrate(); // busy at start-up: 60 ms, against 20 from an earlier visit
  const busy = gauge.slowdown(); // 60 -> 3x
  const faster = gauge.slowdown(); // 12: a new best, kept
  results.remembered_gauge = { busy, faster, best: gauge.bestMs, writes };
}

process.stdout.write(JSON.stringify(results));
