// The runner protocol, one copy for the browser (runner.js, runner.worker.js) and the Node runner
// (runner/node/*.mjs): how a job's time limit is kept, how runaway code is stopped, and the
// verdicts for stops and crashes. No DOM and no Node APIs here.
//
// A job goes: posted -> started (the learner's code begins: the clock starts) -> finished.
//   - At the limit, SIGINT goes into the interpreter's interrupt buffer (KeyboardInterrupt in
//     Python). CPython can drop a write that lands while it clears the flag, so it is written
//     again every RESEND_MS until Python's handler acknowledges it (grading/interrupts.py).
//   - If Python is still busy GRACE_MS after the interrupt (it swallowed it), the worker is
//     replaced: the verdict is still the learner's timeout.
//   - A job whose code never started within START_ALLOWANCE_MS, or whose worker crashed, is not
//     the learner's doing: its verdict has status "aborted" and the page runs it once more.
//   - A busy machine: a small fixed-work probe (SpeedGauge) is timed once Python is ready and
//     again when a job reaches its limit. If the machine is now clearly slower than the limit
//     allowed for (more than BUSY_SLOWDOWN times), the stop is the machine's, not the learner's:
//     "aborted" with cause "busy", run once more with the limit stretched by the measured
//     slowdown; only a timeout under that stretched limit is the learner's (runFairly).

export const SIGINT = 2;
// Int32 slots of the state buffer shared by the supervising thread and the worker.
export const STATE = { DONE: 0, ACK: 1, STARTED: 2 };
export const STATE_BYTES = 4 * 3;
export const INTERRUPT_BYTES = 4;
export const GRACE_MS = 1000;
export const RESEND_MS = 20;
// From posting a job to the learner's code starting: the harness writes files and sets pytest
// up. Seconds on a busy machine; longer than this means the worker is stuck, not the learner.
export const START_ALLOWANCE_MS = 60_000;

// Verdict statuses beyond the harness's own (passed, failed, error, timeout).
export const ABORTED = "aborted";
// Why a job was aborted (verdict.cause): never the learner's code.
export const CAUSE = { NOT_STARTED: "not-started", CRASH: "crash", REPLACED: "replaced", BUSY: "busy" };
// Who stopped a timed-out job (verdict.stopped_by).
export const STOPPED_BY = { LIMIT: "limit", LEARNER: "learner" };

// A job stopped at its limit while the machine ran this many times slower than the limit allowed
// for was stopped by the machine. Noise on an idle machine stays well under it.
export const BUSY_SLOWDOWN = 1.5;
// The re-run of a job stopped by a busy machine gets at most this many times its limit.
export const MAX_STRETCH = 5;
// The probe: sorting fixed pseudo-random numbers with the engine's native typed-array sort, so
// the JIT's tiers (4x apart for plain JS loops) do not change its speed; on a machine shared by
// many processes it slows by the share of a core it gets. About 15-20 ms on an idle core.
const PROBE_NUMBERS = 1 << 16;
const PROBE_SORTS = 3;
let probeInput = null;

function probeNumbers() {
  if (!probeInput) {
    probeInput = new Int32Array(PROBE_NUMBERS);
    let x = 0x9e3779b9 | 0;
    for (let i = 0; i < PROBE_NUMBERS; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      probeInput[i] = x;
    }
  }
  return probeInput;
}

// Milliseconds the probe's fixed work takes now.
export function probeMs(now = () => performance.now()) {
  const numbers = probeNumbers();
  const start = now();
  for (let i = 0; i < PROBE_SORTS; i++) numbers.slice().sort();
  return now() - start;
}

// The fastest of a few probes: a garbage collection or one unlucky time slice during one of them
// is not a busy machine.
function fastestProbe(probe, times) {
  let best = Infinity;
  for (let i = 0; i < times; i++) best = Math.min(best, probe());
  return best;
}

// How much slower the machine is now than at its best. `forced` is the test hook: a function
// returning a slowdown factor (or null to measure), so tests never depend on real load. The
// reference is the best time seen: at start-up, at any later measure, and (with `remembered`,
// {read() -> ms or null, write(ms)}) on earlier visits, so a page opened while the machine is
// already busy still compares with the machine at rest.
export class SpeedGauge {
  constructor({ probe = probeMs, forced = () => null, remembered = null } = {}) {
    Object.assign(this, { probe, forced, remembered });
    this.bestMs = null;
  }

  keep(ms) {
    if (!(ms > 0)) return;
    if (this.bestMs === null && this.remembered) {
      const earlier = this.remembered.read();
      if (earlier > 0) this.bestMs = earlier;
    }
    if (this.bestMs === null || ms < this.bestMs) {
      this.bestMs = ms;
      this.remembered?.write(ms);
    }
  }

  calibrate() {
    this.keep(fastestProbe(this.probe, 3));
  }

  // The slowdown factor (1 = as fast as the best seen); 1 when never calibrated.
  slowdown() {
    const forced = this.forced();
    if (forced !== null) return forced;
    if (this.bestMs === null) return 1;
    const ms = fastestProbe(this.probe, 2);
    this.keep(ms);
    return Math.max(1, ms / this.bestMs);
  }
}

// The test hook's value (a number, or a list used one measure at a time, the last one kept)
// as a `forced` function for SpeedGauge; anything else means "measure".
export function forcedSlowdown(read) {
  return () => {
    const value = read();
    if (Array.isArray(value) && value.length) {
      const factor = value.length > 1 ? value.shift() : value[0];
      return Number.isFinite(factor) && factor > 0 ? factor : null;
    }
    return Number.isFinite(value) && value > 0 ? value : null;
  };
}

function seconds(ms) {
  return Number((ms / 1000).toFixed(1));
}

function emptyVerdict(kind, status, error, extra = {}) {
  return {
    status, kind, tests: [], error, stdout: "", stdout_truncated: false, duration_ms: 0,
    passed: 0, total: 0, failed: 0, ...extra,
  };
}

// The verdict of a job stopped at its limit or by the learner; keeps what the harness reported
// (tests that ran, output) when there is a harness verdict.
export function stoppedVerdict(kind, { byLearner, limitMs, elapsedMs, harness = null, baseLimitMs = limitMs }) {
  const stretched = limitMs > baseLimitMs
    ? ` The usual limit of ${seconds(baseLimitMs)} s was stretched because the computer was busy.`
    : "";
  const message = byLearner
    ? `You pressed Stop after ${seconds(elapsedMs)} s.`
    : `Stopped after ${seconds(limitMs)} s — probably an infinite loop. Look for a loop whose condition never becomes false, or a call that never returns.${stretched}`;
  const error = { type: byLearner ? "Stopped" : "Timeout", message, file: null, line: null };
  const base = harness ? { ...harness, status: "timeout", kind, error } : emptyVerdict(kind, "timeout", error);
  return { ...base, stopped_by: byLearner ? STOPPED_BY.LEARNER : STOPPED_BY.LIMIT };
}

// The verdict of a job that could not run to its end for a reason that is not the learner's.
export function abortedVerdict(kind, cause, detail = "", extra = {}) {
  const why = {
    [CAUSE.NOT_STARTED]: "Python did not start your code in time (the computer is very busy)",
    [CAUSE.CRASH]: "Python crashed",
    [CAUSE.REPLACED]: "Python was being restarted",
    [CAUSE.BUSY]: "Your code was stopped because the computer was busy, not because of your code",
  }[cause] || "Python stopped";
  const message = `${why}${detail ? ` (${detail})` : ""}. This does not count against you.`;
  return emptyVerdict(kind, ABORTED, { type: "RunnerStopped", message: message.slice(0, 600), file: null, line: null }, { cause, ...extra });
}

// The verdict of a job that reached its limit while the machine ran `slowdown` times slower than
// the limit allowed for: the machine's stop. Keeps what the harness reported, as any stop does.
export function busyVerdict(kind, { slowdown, limitMs, harness = null }) {
  const detail = `about ${slowdown.toFixed(1)} times slower than when Python started, at the ${seconds(limitMs)} s limit`;
  const verdict = abortedVerdict(kind, CAUSE.BUSY, detail, { slowdown: Number(slowdown.toFixed(2)) });
  if (!harness) return verdict;
  return { ...harness, status: ABORTED, kind, error: verdict.error, cause: CAUSE.BUSY, slowdown: verdict.slowdown };
}

// Run a job the fair way, for the page and the Node runner alike: a job aborted for a reason that
// is not the learner's runs once more by itself (after a busy stop, with its limit stretched by
// the measured slowdown); if that run is aborted too, its "aborted" verdict is the answer.
// runOnce({ stretch }) runs the job once with its limit times `stretch`.
export async function runFairly(runOnce, onRetry = () => {}) {
  const first = await runOnce({ stretch: 1 });
  if (!isAborted(first)) return first;
  onRetry(first);
  const stretch = first.cause === CAUSE.BUSY ? Math.min(MAX_STRETCH, Math.max(1, first.slowdown || 1)) : 1;
  const second = await runOnce({ stretch });
  return { ...second, retried: true, retry_cause: first.cause, ...(stretch > 1 ? { stretch: Number(stretch.toFixed(2)) } : {}) };
}

export function isAborted(verdict) {
  return verdict && verdict.status === ABORTED;
}

// Watches one job from the supervising side: starts the clock when the learner's code starts,
// interrupts at the limit (or when the learner presses Stop), and asks for the worker to be
// replaced when the interrupt is ignored or the code never starts. Exactly one of
// onKilled(verdict) / the caller's own finish() ends a job. With a gauge, a stop at the limit
// while the machine is clearly slower than the limit allowed for (stretch) is the machine's.
export class JobWatch {
  constructor({ kind, limitMs, interrupt, state, onKilled, timers = globalThis, gauge = null, stretch = 1 }) {
    Object.assign(this, { kind, interrupt, state, onKilled, timers, gauge, stretch });
    this.baseLimitMs = limitMs;
    this.limitMs = Math.round(limitMs * stretch);
    this.slowdown = null; // measured when the limit is reached
    this.postedAt = performance.now();
    this.startedAt = null;
    this.stoppedBy = null;
    this.over = false;
    this.stats = { interrupted: 0, resent: 0 };
    if (interrupt) {
      Atomics.store(interrupt, 0, 0); // a late interrupt from the previous job must not leak
      for (const slot of Object.values(STATE)) Atomics.store(state, slot, 0);
    }
    this.startTimer = timers.setTimeout(() => this.neverStarted(), START_ALLOWANCE_MS);
  }

  // The job's answer exists (even if its message has not arrived): a late timer must not act.
  get done() {
    return this.over || (this.state ? Atomics.load(this.state, STATE.DONE) === 1 : false);
  }

  // The learner's code began: the time limit counts from now.
  started() {
    if (this.over || this.startedAt !== null) return;
    this.startedAt = performance.now();
    this.timers.clearTimeout(this.startTimer);
    this.limitTimer = this.timers.setTimeout(() => this.stop(false), this.limitMs);
  }

  elapsedMs() {
    return this.startedAt === null ? 0 : performance.now() - this.startedAt;
  }

  neverStarted() {
    if (this.done || this.startedAt !== null) return;
    this.kill(abortedVerdict(this.kind, CAUSE.NOT_STARTED));
  }

  // Stop at the limit (byLearner false) or because the learner asked.
  stop(byLearner) {
    if (this.done || this.stoppedBy) return;
    this.stoppedBy = byLearner ? STOPPED_BY.LEARNER : STOPPED_BY.LIMIT;
    this.stoppedAfterMs = this.elapsedMs();
    if (!byLearner && this.gauge) this.slowdown = this.gauge.slowdown();
    this.timers.clearTimeout(this.limitTimer);
    if (!this.interrupt) {
      this.kill(this.verdictForStop(null));
      return;
    }
    this.stats.interrupted++;
    Atomics.store(this.interrupt, 0, SIGINT);
    this.resendTimer = this.timers.setInterval(() => {
      const pending = Atomics.load(this.interrupt, 0) !== 0;
      if (!this.done && !pending && Atomics.load(this.state, STATE.ACK) === 0) {
        this.stats.resent++;
        Atomics.store(this.interrupt, 0, SIGINT);
      }
    }, RESEND_MS);
    this.graceTimer = this.timers.setTimeout(() => {
      if (!this.done) this.kill(this.verdictForStop(null));
    }, GRACE_MS);
  }

  // Was the machine, not the learner's code, the reason the limit was reached?
  get stoppedByBusyMachine() {
    return this.stoppedBy === STOPPED_BY.LIMIT && this.slowdown !== null
      && this.slowdown > this.stretch * BUSY_SLOWDOWN;
  }

  // The verdict for a stopped job, from the harness's answer when there is one.
  verdictForStop(harness) {
    if (this.stoppedByBusyMachine) {
      return busyVerdict(this.kind, { slowdown: this.slowdown, limitMs: this.limitMs, harness });
    }
    return stoppedVerdict(this.kind, {
      baseLimitMs: this.baseLimitMs,
      byLearner: this.stoppedBy === STOPPED_BY.LEARNER,
      limitMs: this.limitMs,
      elapsedMs: this.stoppedAfterMs ?? this.elapsedMs(),
      harness,
    });
  }

  // Turn the harness's answer into the job's verdict: a stopped job's answer is a stop,
  // whatever the code did with the KeyboardInterrupt afterwards.
  settle(harnessVerdict) {
    this.finish();
    if (this.stoppedBy || harnessVerdict.status === "timeout") {
      if (!this.stoppedBy) this.stoppedBy = STOPPED_BY.LIMIT;
      return this.verdictForStop(harnessVerdict);
    }
    return harnessVerdict;
  }

  // The worker broke while running this job.
  crashed(detail) {
    this.finish();
    if (this.stoppedBy) return this.verdictForStop(null); // killed by our own stop
    return abortedVerdict(this.kind, CAUSE.CRASH, detail);
  }

  kill(verdict) {
    this.finish();
    this.onKilled(verdict);
  }

  finish() {
    this.over = true;
    this.timers.clearTimeout(this.startTimer);
    this.timers.clearTimeout(this.limitTimer);
    this.timers.clearTimeout(this.graceTimer);
    this.timers.clearInterval(this.resendTimer);
    if (this.interrupt) Atomics.store(this.interrupt, 0, 0);
  }
}

// Worker side: mark the job's answer as existing before posting it (see JobWatch.done).
export function markDone(state) {
  if (state) Atomics.store(state, STATE.DONE, 1);
}

export function markStarted(state) {
  if (state) Atomics.store(state, STATE.STARTED, 1);
}

export function acknowledge(state) {
  if (state) Atomics.store(state, STATE.ACK, 1);
}
