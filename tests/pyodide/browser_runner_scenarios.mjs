// Drives the page's BrowserRunner (static/src/runner.js) against a scripted stand-in for its
// Web Worker: the automatic re-run of an aborted check, and the learner's Stop. No browser, no
// Python, no timing. Prints one JSON object: scenario name -> what happened.
globalThis.self = globalThis; // runner.js reads self.crossOriginIsolated, as in a page

const { BrowserRunner } = await import("../../static/src/runner.js");

// Each worker created plays the next script: a list of answers, one per job it receives.
const scripts = [];
class ScriptedWorker {
  constructor() {
    this.script = scripts.shift() ?? [];
    this.terminated = false;
  }
  postMessage(message) {
    queueMicrotask(() => {
      if (this.terminated) return;
      if (message.type === "init") {
        this.onmessage({ data: { type: "ready", ms: 1, fromSnapshot: true, marks: {} } });
        return;
      }
      const answer = this.script.shift() ?? "hang";
      if (answer === "hang") return; // a loop that never yields (and swallows interrupts)
      this.onmessage({ data: { type: "started", id: message.id } });
      if (answer === "loop") return; // the learner's code started and never ends
      if (answer === "crash") {
        this.onmessage({ data: { type: "crash", id: message.id, message: "memory access out of bounds" } });
      } else {
        this.onmessage({ data: { type: "result", id: message.id, verdict: { status: answer, kind: "check", tests: [] } } });
      }
    });
  }
  terminate() { this.terminated = true; }
}
globalThis.Worker = ScriptedWorker;

function runner() {
  const retries = [];
  const r = new BrowserRunner({ workerUrl: "worker.js", baseUrl: "/runtime/x/", onRetry: (v) => retries.push(v.status) });
  r.start();
  return { r, retries };
}

const job = { mode: "check", files: {}, tests: {} };
const results = {};

scripts.push(["crash"], ["passed"]);
{
  const { r, retries } = runner();
  const verdict = await r.run(job, 1000);
  results.crash_then_pass = { verdict, retries, stats: r.stats };
}

scripts.push(["crash"], ["crash"], ["passed"]);
{
  const { r, retries } = runner();
  const verdict = await r.run(job, 1000);
  const next = await r.run(job, 1000);
  results.crash_twice = { verdict, retries, stats: r.stats, next: next.status };
}

scripts.push(["failed"]);
{
  const { r, retries } = runner();
  const verdict = await r.run(job, 1000);
  results.learner_failure = { verdict, retries, stats: r.stats };
}

// Without cross-origin isolation a Stop can only replace the worker: still the learner's stop.
scripts.push(["hang"], ["passed"]);
{
  const { r, retries } = runner();
  const pending = r.run(job, 60_000);
  await new Promise((resolve) => setTimeout(resolve, 0)); // the job reaches the worker
  r.halt(true);
  const verdict = await pending;
  const next = await r.run(job, 1000);
  results.stopped_by_the_learner = { verdict, retries, stats: r.stats, next: next.status };
}

// A busy machine, through the page's test hook (self.frictionTestSlowdown, one factor per
// measure): a loop that never yields, without isolation (so a stop replaces the worker). Three
// times slower at the limit: aborted, re-run once with three times the limit, then the learner's.
scripts.push(["loop"], ["loop"], ["passed"]);
{
  globalThis.frictionTestSlowdown = [3, 3];
  const { r, retries } = runner();
  const verdict = await r.run(job, 20);
  const next = await r.run(job, 1000);
  results.busy_machine = { verdict, retries, stats: r.stats, next: next.status };
}

// The same loop on a machine as fast as at start-up: the learner's timeout at once.
scripts.push(["loop"]);
{
  globalThis.frictionTestSlowdown = 1;
  const { r, retries } = runner();
  const verdict = await r.run(job, 20);
  results.idle_machine = { verdict, retries, stats: r.stats };
}

process.stdout.write(JSON.stringify(results));
process.exit(0);
