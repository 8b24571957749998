#!/usr/bin/env node
// Grade jobs in real Pyodide under Node: a long-lived process speaking JSON lines.
//
//   node runner/node/pyodide-runner.mjs [--runtime DIR] [--cold]   (default: static/vendor/pyodide)
//
// Once the interpreter is loaded and warmed up it prints
//   {"ready": true, "init_ms": N, "python": "3.14.2", "from_snapshot": true}
// then answers each stdin line {"id": ..., "job": {...}, "time_limit_ms": N}, in order, with
//   {"id": ..., "verdict": {...}, "wall_ms": N}
// and a line it cannot use with {"id": ... or null, "error": "..."}. It exits when stdin closes.
// wall_ms is the job's time in the interpreter; waiting for a replacement to load is not in it.
//
// Time limit, interrupts, replacement and the verdicts for stops and crashes follow the protocol
// shared with the browser (static/src/runner-protocol.mjs): the clock starts when the learner's
// code starts; a job aborted for a reason that is not the learner's (a crash, code that never
// started, a machine clearly slower at the limit than when the runner started) runs once more by
// itself (after a busy stop, with its limit stretched) and, aborted again, gets status "aborted".
// The verdict of a job that was run twice has "retried": true and "retry_cause".
// FRICTION_TEST_SLOWDOWN (tests only: "3", or "3,10" one value per measure) replaces the measured
// slowdown of the machine, so tests of busy-machine stops never depend on real load.
// --cold starts Python without the memory snapshot (the path a browser takes when it has none).
// Nothing here may write to stdout except protocol lines: diagnostics go to stderr.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";

import {
  forcedSlowdown, INTERRUPT_BYTES, JobWatch, runFairly, SpeedGauge, STATE_BYTES,
} from "../../static/src/runner-protocol.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..", "..");
const WORKER = path.join(HERE, "pyodide-worker.mjs");
const DEFAULT_PACKAGE = "friction-grading";

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function log(text) {
  process.stderr.write(`[pyodide-runner] ${text}\n`);
}

function normalise(name) {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

// Check, before the slow load, that the package and everything it depends on is listed in the
// lock and present with the recorded sha256. Pyodide under Node checks neither (a browser does
// check the hash), and a missing file would send it looking on a CDN.
function checkRuntime(runtimeDir) {
  const hint = "run ./scripts/run or python scripts/build_assets.py first";
  for (const name of ["pyodide.mjs", "pyodide.asm.wasm", "pyodide-lock.json"]) {
    if (!fs.existsSync(path.join(runtimeDir, name))) {
      const missing = path.join(runtimeDir, name);
      throw new Error(`the Pyodide runtime is not built: ${missing} is missing (${hint})`);
    }
  }
  const runtimeJson = path.join(runtimeDir, "runtime.json");
  const runtime = fs.existsSync(runtimeJson) ? JSON.parse(fs.readFileSync(runtimeJson, "utf8")) : {};
  const packageName = runtime.grading_package ?? DEFAULT_PACKAGE;
  for (const name of [runtime.site_zip, runtime.snapshot]) {
    if (!name || !fs.existsSync(path.join(runtimeDir, name))) {
      throw new Error(`the Pyodide runtime has no grader zip or snapshot (${hint})`);
    }
  }
  const lock = JSON.parse(fs.readFileSync(path.join(runtimeDir, "pyodide-lock.json"), "utf8"));
  const entries = new Map();
  for (const [key, entry] of Object.entries(lock.packages)) {
    entries.set(normalise(key), entry);
    entries.set(normalise(entry.name), entry);
  }
  const seen = new Set();
  const visit = (name, wantedBy) => {
    const entry = entries.get(normalise(name));
    if (!entry) {
      const neededBy = wantedBy ? ` (needed by ${wantedBy})` : "";
      throw new Error(`pyodide-lock.json does not list ${name}${neededBy} (${hint})`);
    }
    if (seen.has(entry.name)) return;
    seen.add(entry.name);
    const file = path.join(runtimeDir, entry.file_name);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing (${hint})`);
    const sha256 = crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    if (sha256 !== entry.sha256) {
      throw new Error(`${entry.file_name} does not match its sha256 in pyodide-lock.json (${hint})`);
    }
    for (const dependency of entry.depends) visit(dependency, entry.name);
  };
  visit(packageName, null);
  return runtime;
}

class Interpreter {
  constructor(worker, interrupt, state, info) {
    this.worker = worker;
    this.interrupt = interrupt;
    this.state = state;
    this.info = info;
    this.exited = false;
    worker.on("exit", () => {
      this.exited = true;
    });
    // An 'error' event with no listener would crash this process; run() adds its own too.
    worker.on("error", (error) => log(`worker error: ${error?.stack ?? error}`));
  }

  static start(runtimeDir, runtime, useSnapshot) {
    const interruptBuffer = new SharedArrayBuffer(INTERRUPT_BYTES);
    const stateBuffer = new SharedArrayBuffer(STATE_BYTES);
    // stdout: true keeps the worker's console.log away from our stdout (the protocol channel).
    const worker = new Worker(WORKER, {
      workerData: { runtimeDir, interruptBuffer, stateBuffer, runtime, useSnapshot },
      stdout: true,
    });
    worker.stdout.pipe(process.stderr, { end: false });
    return new Promise((resolve, reject) => {
      const fail = (error) => {
        worker.removeAllListeners("message");
        worker.terminate();
        reject(error);
      };
      worker.once("message", (message) => {
        if (message.type === "ready") {
          worker.removeAllListeners("error");
          worker.removeAllListeners("exit");
          const interrupt = new Int32Array(interruptBuffer);
          resolve(new Interpreter(worker, interrupt, new Int32Array(stateBuffer), message));
        } else {
          fail(new Error(message.error ?? `unexpected message ${JSON.stringify(message)}`));
        }
      });
      worker.once("error", (error) => fail(error));
      worker.once("exit", (code) => {
        fail(new Error(`the worker exited (code ${code}) while loading`));
      });
    });
  }

  // Run one job; `replace` says whether this interpreter must be thrown away afterwards.
  run(job, limitMs, { gauge = null, stretch = 1 } = {}) {
    return new Promise((resolve) => {
      const kind = job.mode ?? "check";
      const finish = (verdict, replace) => {
        this.worker.off("message", onMessage);
        this.worker.off("error", onError);
        this.worker.off("exit", onExit);
        resolve({ verdict, replace });
      };
      const watch = new JobWatch({
        kind, limitMs, interrupt: this.interrupt, state: this.state, gauge, stretch,
        onKilled: (verdict) => {
          log(`job ${watch.stoppedBy ? "ignored its interrupt" : "never started"}: replacing the worker`);
          finish(verdict, true);
        },
      });
      const onMessage = (message) => {
        if (message.type === "started") {
          watch.started();
        } else if (message.type === "verdict") {
          let verdict;
          try {
            verdict = JSON.parse(message.json);
          } catch (error) {
            finish(watch.crashed(`unreadable verdict: ${error.message}`), true);
            return;
          }
          finish(watch.settle(verdict), false);
        } else if (message.type === "fault" && watch.stoppedBy
                   && message.pythonType === "KeyboardInterrupt") {
          // The interrupt landed in the harness's own code; the interpreter itself is fine.
          finish(watch.settle({ status: "timeout", kind }), false);
        } else if (message.type === "fault") {
          log(`job fault: ${message.error}`);
          finish(watch.crashed(message.summary), true);
        }
      };
      const onError = (error) => finish(watch.crashed(String(error?.message ?? error)), true);
      const onExit = (code) => finish(watch.crashed(`the worker exited with code ${code}`), true);
      this.worker.on("message", onMessage);
      this.worker.on("error", onError);
      this.worker.on("exit", onExit);
      this.worker.postMessage({ type: "job", job: JSON.stringify(job) });
    });
  }

  terminate() {
    return this.worker.terminate().catch(() => {});
  }
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

// Turn a request line into {id, job, limitMs}, or {id, error} saying why it is unusable.
function parseRequest(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    return { id: null, error: `not JSON: ${error.message}` };
  }
  if (!isObject(request)) return { id: null, error: "a request must be a JSON object" };
  const { id = null, job, time_limit_ms: limitMs } = request;
  if (!isObject(job)) return { id, error: '"job" must be an object (a harness job)' };
  if (typeof limitMs !== "number" || !Number.isFinite(limitMs) || limitMs <= 0) {
    return { id, error: '"time_limit_ms" must be a positive number' };
  }
  return { id, job, limitMs };
}

// The test hook: FRICTION_TEST_SLOWDOWN="3" or "3,10" (one factor per measure, the last kept).
function slowdownFromEnvironment() {
  const text = process.env.FRICTION_TEST_SLOWDOWN;
  if (!text) return () => null;
  const factors = text.split(",").map(Number);
  return forcedSlowdown(() => factors);
}

class Runner {
  constructor(runtimeDir, runtime, useSnapshot) {
    this.runtimeDir = runtimeDir;
    this.runtime = runtime;
    this.useSnapshot = useSnapshot;
    this.interpreter = null;
    this.replacement = null;
    this.gauge = new SpeedGauge({ forced: slowdownFromEnvironment() });
  }

  async start() {
    this.interpreter = await Interpreter.start(this.runtimeDir, this.runtime, this.useSnapshot);
    this.gauge.calibrate(); // the machine's speed now: a later stop compares with it
    return this.interpreter.info;
  }

  replace() {
    if (this.interpreter) {
      const stopping = performance.now();
      this.interpreter.terminate().then(() => {
        log(`old worker terminated in ${Math.round(performance.now() - stopping)} ms`);
      });
    }
    this.interpreter = null;
    // Start loading at once, so the replacement is (nearly) ready when the next job comes.
    this.replacement = Interpreter.start(this.runtimeDir, this.runtime, this.useSnapshot);
    this.replacement.catch(() => {}); // awaited (and reported) by the next job
  }

  async handle(line) {
    const request = parseRequest(line);
    if (request.error) {
      send({ id: request.id, error: request.error });
      return;
    }
    let wallMs = 0;
    const runOnce = async ({ stretch }) => {
      await this.ready(request.id);
      const started = performance.now();
      const { verdict, replace } = await this.interpreter.run(
        request.job, request.limitMs, { gauge: this.gauge, stretch },
      );
      wallMs += performance.now() - started;
      if (replace) this.replace();
      return verdict;
    };
    const verdict = await runFairly(runOnce, (first) => {
      log(`job aborted (${first.cause}): running it once more`);
    });
    send({ id: request.id, verdict, wall_ms: Math.round(wallMs) });
  }

  // An interpreter to run the next job on: the current one, or the replacement being loaded.
  async ready(requestId) {
    if (this.interpreter?.exited) {
      log("the worker died between jobs: starting a new one");
      this.replace();
    }
    if (!this.interpreter) {
      const waiting = performance.now();
      try {
        this.interpreter = await this.replacement;
        log(`waited ${Math.round(performance.now() - waiting)} ms for the replacement interpreter`);
      } catch (error) {
        const reason = `the Pyodide interpreter could not be restarted: ${error.message}`;
        log(reason);
        send({ id: requestId, error: reason });
        process.exit(1);
      }
      this.replacement = null;
    }
  }

  async close() {
    await this.interpreter?.terminate();
  }
}

async function main() {
  const started = performance.now();
  const { values } = parseArgs({
    options: { runtime: { type: "string" }, cold: { type: "boolean", default: false } },
  });
  const runtimeDir = path.resolve(values.runtime ?? path.join(REPO, "static", "vendor", "pyodide"));
  // A reader that went away must not turn our next write into an unhandled EPIPE crash.
  process.stdout.on("error", () => process.exit(1));
  let runner;
  try {
    runner = new Runner(runtimeDir, checkRuntime(runtimeDir), !values.cold);
    const info = await runner.start();
    const how = info.from_snapshot ? "restored from the snapshot" : "started cold";
    log(`interpreter ${how} in ${info.init_ms} ms (Python ${info.python}, ${info.platform})`);
    send({
      ready: true, init_ms: Math.round(performance.now() - started), python: info.python,
      from_snapshot: info.from_snapshot,
    });
  } catch (error) {
    log(error?.stack ?? String(error));
    send({ ready: false, error: String(error?.message ?? error) });
    process.exit(1);
  }
  // Lines wait in the iterator while a job runs, so requests are handled one at a time, in order.
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim()) await runner.handle(line);
  }
  await runner.close();
  process.exit(0);
}

await main();
