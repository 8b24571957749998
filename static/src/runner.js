// Page side of the in-browser runner: owns the worker, its warm-up steps and the time limit.
// With cross-origin isolation a SharedArrayBuffer interrupt stops runaway code and keeps the
// warm interpreter; if that fails (or isolation is unavailable) the worker is replaced.
const INTERRUPT_GRACE_MS = 1000;
const RESEND_MS = 20;
const SIGINT = 2;
const DONE = 0;
const ACK = 1;

export function timeoutVerdict(kind, seconds, byUser) {
  const message = byUser
    ? `Stopped by you after ${seconds} s.`
    : `Stopped after ${seconds} s — probably an infinite loop. Look for a loop whose condition never becomes false, or a call that never returns.`;
  return {
    status: "timeout", kind, tests: [], stdout: "", stdout_truncated: false, duration_ms: 0,
    error: { type: "Timeout", message, file: null, line: null }, passed: 0, total: 0, failed: 0,
  };
}

export class BrowserRunner {
  constructor({ workerUrl, baseUrl, pkg, onStep = () => {}, onReady = () => {}, onFailed = () => {} }) {
    Object.assign(this, { workerUrl, baseUrl, pkg, onStep, onReady, onFailed });
    this.ready = null;
    this.busy = null;
    this.nextId = 1;
    this.stats = { spawned: 0, interrupted: 0, replaced: 0 };
  }

  get isolated() { return self.crossOriginIsolated === true && typeof SharedArrayBuffer !== "undefined"; }

  start() {
    this.stats.spawned++;
    this.worker = new Worker(this.workerUrl, { type: "module", name: "python-runner" });
    this.interrupt = this.isolated ? new Int32Array(new SharedArrayBuffer(4)) : null;
    this.state = this.isolated ? new Int32Array(new SharedArrayBuffer(8)) : null;
    this.ready = new Promise((resolve, reject) => {
      this.worker.onmessage = (e) => {
        const m = e.data;
        if (m.type === "step") this.onStep(m.step);
        else if (m.type === "ready") { this.readyMs = m.ms; this.onReady(m.ms); resolve(); }
        else if (m.type === "failed") { this.onFailed(m.message); reject(new Error(m.message)); }
        else this.handleJobMessage(m);
      };
      this.worker.onerror = (e) => {
        const message = e.message || "the Python worker could not start";
        this.onFailed(message);
        reject(new Error(message));
      };
    });
    this.ready.catch(() => {});
    this.worker.postMessage({
      type: "init", baseUrl: this.baseUrl, package: this.pkg,
      interruptBuffer: this.interrupt ? this.interrupt.buffer : null,
      stateBuffer: this.state ? this.state.buffer : null,
    });
    return this.ready;
  }

  handleJobMessage(m) {
    if (!this.busy || m.id !== this.busy.id) return;
    if (m.type === "result") this.finish(m.verdict);
    else if (m.type === "crash") {
      this.finish({
        status: "error", kind: this.busy.kind, tests: [], stdout: "", stdout_truncated: false,
        duration_ms: 0, passed: 0, total: 0, failed: 0,
        error: { type: "RunnerCrash", message: `Python in the browser crashed (${m.message}). It has been restarted; check again.`, file: null, line: null },
      });
      this.replace();
    }
  }

  finish(verdict) {
    const job = this.busy;
    if (!job) return;
    clearTimeout(job.limitTimer);
    clearTimeout(job.killTimer);
    clearInterval(job.resendTimer);
    this.busy = null;
    if (this.interrupt) Atomics.store(this.interrupt, 0, 0);
    if (verdict.status === "timeout" && (!verdict.error || verdict.error.type !== "Timeout")) {
      verdict = { ...timeoutVerdict(job.kind, job.seconds, job.byUser), stdout: verdict.stdout || "" };
    }
    job.resolve(verdict);
  }

  replace() {
    this.stats.replaced++;
    this.worker.terminate();
    this.start();
  }

  // Run a grading job; resolves with a verdict (a timeout is a verdict, not an error).
  async run(job, timeLimitMs) {
    await this.ready;
    if (this.busy) throw new Error("a run is already in progress");
    const id = this.nextId++;
    return new Promise((resolve) => {
      const entry = { id, kind: job.mode, resolve, seconds: timeLimitMs / 1000, byUser: false, started: performance.now() };
      this.busy = entry;
      if (this.interrupt) {
        Atomics.store(this.interrupt, 0, 0);
        Atomics.store(this.state, DONE, 0);
        Atomics.store(this.state, ACK, 0);
      }
      entry.limitTimer = setTimeout(() => this.halt(false), timeLimitMs);
      this.worker.postMessage({ type: "job", id, job });
    });
  }

  // Stop the current run: interrupt first (keeps the interpreter), replace the worker if that fails.
  halt(byUser) {
    const job = this.busy;
    if (!job) return;
    job.byUser = byUser;
    if (byUser) job.seconds = Math.round((performance.now() - job.started) / 100) / 10;
    clearTimeout(job.limitTimer);
    const killNow = () => {
      clearInterval(job.resendTimer);
      if (this.busy !== job) return;
      const verdict = timeoutVerdict(job.kind, job.seconds, byUser);
      this.busy = null;
      this.replace();
      job.resolve(verdict);
    };
    if (this.interrupt) {
      if (Atomics.load(this.state, DONE) === 1) return; // finished just now; its answer is on the way
      this.stats.interrupted++;
      Atomics.store(this.interrupt, 0, SIGINT);
      // Write the interrupt again while Python has consumed the flag without acknowledging it.
      job.resendTimer = setInterval(() => {
        const pending = Atomics.load(this.interrupt, 0) !== 0;
        if (!pending && Atomics.load(this.state, ACK) === 0 && Atomics.load(this.state, DONE) === 0) {
          this.stats.resent = (this.stats.resent || 0) + 1;
          Atomics.store(this.interrupt, 0, SIGINT);
        }
      }, RESEND_MS);
      job.killTimer = setTimeout(killNow, INTERRUPT_GRACE_MS);
    } else {
      killNow();
    }
  }
}
