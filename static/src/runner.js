// Page side of the in-browser runner: owns the worker, its start-up steps and the time limit,
// following the protocol shared with the Node runner (runner-protocol.mjs). With cross-origin
// isolation a SharedArrayBuffer interrupt stops runaway code and keeps the warm interpreter; if
// that fails (or isolation is unavailable) the worker is replaced.
import {
  abortedVerdict, CAUSE, forcedSlowdown, INTERRUPT_BYTES, isAborted, JobWatch, runFairly,
  SpeedGauge, STATE_BYTES,
} from "./runner-protocol.mjs";

export { isAborted };

// The test hook for busy-machine stops: a page script (Playwright's init script) may set
// self.frictionTestSlowdown to a factor (or a list, one per measure) instead of measuring.
const testSlowdown = forcedSlowdown(() => self.frictionTestSlowdown);

// The probe's best time on this device, kept across visits (device data, not the learner's: a
// shared laptop keeps it for everyone). A browser update may change the engine's speed, so the
// time counts only for the browser that measured it.
const PROBE_KEY = "runner-probe-best-ms";
const rememberedProbe = {
  read() {
    try {
      const kept = JSON.parse(localStorage.getItem(PROBE_KEY) || "null");
      return kept && kept.browser === navigator.userAgent ? kept.ms : null;
    } catch {
      return null; // storage disabled or a corrupt value: measure afresh
    }
  },
  write(ms) {
    try {
      localStorage.setItem(PROBE_KEY, JSON.stringify({ browser: navigator.userAgent, ms }));
    } catch { /* storage full or disabled: this visit's measure still holds */ }
  },
};

export class BrowserRunner {
  constructor({ workerUrl, baseUrl, onStep = () => {}, onReady = () => {}, onFailed = () => {}, onRetry = () => {} }) {
    Object.assign(this, { workerUrl, baseUrl, onStep, onReady, onFailed, onRetry });
    this.ready = null;
    this.busy = null;
    this.nextId = 1;
    this.stats = { spawned: 0, interrupted: 0, resent: 0, replaced: 0, retried: 0 };
    this.gauge = new SpeedGauge({ forced: testSlowdown, remembered: self.localStorage ? rememberedProbe : null });
  }

  // Set the page's handlers and tell them what already happened: the runner may have been
  // started (runner-boot.js) before the page that shows its steps was built.
  listen({ onStep, onReady, onFailed, onRetry }) {
    Object.assign(this, { onStep, onReady, onFailed, onRetry });
    if (this.failure) onFailed(this.failure);
    else if (this.readyAt !== null && this.readyAt !== undefined) onReady(this.readyMs, { fromSnapshot: this.fromSnapshot });
    else if (this.lastStep) onStep(this.lastStep);
  }

  get isolated() { return self.crossOriginIsolated === true && typeof SharedArrayBuffer !== "undefined"; }

  start() {
    if (this.stats.spawned === 0) this.startedAt = performance.now(); // for scripts/bench.py
    this.stats.spawned++;
    this.failure = null;
    this.lastStep = null;
    this.worker = new Worker(this.workerUrl, { type: "module", name: "python-runner" });
    this.interrupt = this.isolated ? new Int32Array(new SharedArrayBuffer(INTERRUPT_BYTES)) : null;
    this.state = this.isolated ? new Int32Array(new SharedArrayBuffer(STATE_BYTES)) : null;
    this.readyAt = null;
    this.ready = new Promise((resolve, reject) => {
      this.worker.onmessage = (e) => {
        const m = e.data;
        if (m.type === "step") { this.lastStep = m.step; this.onStep(m.step); }
        else if (m.type === "ready") {
          Object.assign(this, {
            readyMs: m.ms, fromSnapshot: m.fromSnapshot, startMarks: m.marks, readyAt: performance.now(),
          });
          this.onReady(m.ms, m);
          // The machine's speed now, for telling a busy machine from a slow loop later on.
          if (this.stats.spawned === 1) this.gauge.calibrate();
          resolve();
        } else if (m.type === "failed") {
          this.failure = m.message;
          this.onFailed(m.message);
          reject(new Error(m.message));
        }
        else this.handleJobMessage(m);
      };
      this.worker.onerror = (e) => {
        const message = e.message || "the Python worker could not start";
        if (this.busy) { // it died while running a job: not the learner's doing
          this.settle(this.busy.watch.crashed(message));
          this.replace();
          return;
        }
        this.failure = message;
        this.onFailed(message);
        reject(new Error(message));
      };
    });
    this.ready.catch(() => {});
    this.worker.postMessage({
      type: "init", baseUrl: this.baseUrl,
      interruptBuffer: this.interrupt ? this.interrupt.buffer : null,
      stateBuffer: this.state ? this.state.buffer : null,
    });
    return this.ready;
  }

  handleJobMessage(m) {
    const job = this.busy;
    if (!job || m.id !== job.id) return;
    if (m.type === "started") job.watch.started();
    else if (m.type === "result") this.settle(job.watch.settle(m.verdict));
    else if (m.type === "crash") {
      if (job.watch.stoppedBy && m.pythonType === "KeyboardInterrupt") {
        // The interrupt landed in the grader's own code; the interpreter itself is fine.
        this.settle(job.watch.settle({ status: "timeout", kind: job.watch.kind }));
        return;
      }
      this.settle(job.watch.crashed(m.message));
      this.replace();
    }
  }

  settle(verdict) {
    const job = this.busy;
    if (!job) return;
    this.busy = null;
    job.resolve(verdict);
  }

  replace() {
    this.stats.replaced++;
    this.worker.terminate();
    this.start();
  }

  // Run a grading job; resolves with a verdict (a timeout is a verdict, not an error). A job
  // aborted for a reason that is not the learner's (a crash, code that never started, a busy
  // machine) runs once more by itself (runFairly); if that is aborted too, its "aborted" verdict
  // is the answer.
  run(job, timeLimitMs) {
    return runFairly((options) => this.runOnce(job, timeLimitMs, options), (first) => {
      this.stats.retried++;
      this.onRetry(first);
    });
  }

  async runOnce(job, timeLimitMs, { stretch = 1 } = {}) {
    try {
      await this.ready;
    } catch (err) {
      if (this.stats.replaced === 0) throw err; // Python never started here: the page says so
      return abortedVerdict(job.mode, CAUSE.REPLACED, err.message);
    }
    if (this.busy) throw new Error("a run is already in progress");
    const id = this.nextId++;
    return new Promise((resolve) => {
      const watch = new JobWatch({
        kind: job.mode, limitMs: timeLimitMs, interrupt: this.interrupt, state: this.state,
        gauge: this.gauge, stretch,
        onKilled: (verdict) => {
          this.stats.interrupted += watch.stats.interrupted;
          this.stats.resent += watch.stats.resent;
          this.busy = null;
          this.replace();
          resolve(verdict);
        },
      });
      this.busy = { id, watch, resolve: (verdict) => {
        this.stats.interrupted += watch.stats.interrupted;
        this.stats.resent += watch.stats.resent;
        resolve(verdict);
      } };
      this.worker.postMessage({ type: "job", id, job });
    });
  }

  // Stop the current run because the learner asked: interrupt first (keeps the interpreter),
  // replace the worker if that fails.
  halt() {
    if (this.busy) this.busy.watch.stop(true);
  }
}
