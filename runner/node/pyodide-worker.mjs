// One Pyodide interpreter in a worker thread, started by pyodide-runner.mjs.
//
// Messages in:  {type: "job", job: "<harness job JSON>"}
// Messages out: {type: "ready", python, platform, init_ms}
//               {type: "init-failed", error}
//               {type: "verdict", json: "<verdict JSON>"}
//               {type: "fault", error, summary, pythonType}   (run_job raised instead)
//
// The parent owns the time limit: it writes 2 (SIGINT) into the shared interrupt buffer, which
// raises KeyboardInterrupt at the interpreter's next signal check (it writes it again until the
// handler below acknowledges it), and terminates this thread if Python ignores it.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";

const { runtimeDir, interruptBuffer, stateBuffer, packageName } = workerData;
// Shared with the parent, whose timers read it. DONE is set the moment a job's answer exists,
// before it is posted, so a busy parent event loop cannot mistake a finished job for a running
// one; ACK is set when Python's SIGINT handler runs, so the parent knows the interrupt arrived.
const DONE = 0;
const ACK = 1;
const state = new Int32Array(stateBuffer);

// A job that must pass before the interpreter counts as ready: it imports pytest's plugins and
// the assertion rewriter, so the first real job does not pay for them.
const WARM_UP_JOB = {
  mode: "check",
  files: { "warm_up.py": "def answer():\n    return 42\n" },
  tests: {
    "test_warm_up.py": "from warm_up import answer\n\n\ndef test_answer():\n    assert answer() == 42\n",
  },
};

// Anything Python writes past the harness's capture (os.write(1, ...), sys.__stdout__) ends up
// here. Stdout belongs to the JSON-lines protocol, so it goes to stderr, and only a little of
// it per job: a learner's runaway loop must not flood the log.
const DIAGNOSTIC_BUDGET = 8_000;
let diagnosticRoom = DIAGNOSTIC_BUDGET;

function diagnostic(text) {
  if (diagnosticRoom <= 0) return;
  const kept = text.slice(0, diagnosticRoom);
  diagnosticRoom -= kept.length;
  process.stderr.write(`[pyodide] ${kept}${kept.endsWith("\n") ? "" : "\n"}`);
  if (diagnosticRoom <= 0) process.stderr.write("[pyodide] … further output dropped\n");
}

function describe(error) {
  return String((error && (error.stack || error.message)) || error).slice(0, 4000);
}

// One line for the verdict: a Python error's last line ("TypeError: ..."), a JS error's first.
function summarise(error) {
  const lines = String(error?.message ?? error).split("\n").filter((line) => line.trim());
  return ((error?.type ? lines.at(-1) : lines[0]) ?? "unknown error").trim();
}

async function start() {
  const started = performance.now();
  const indexURL = runtimeDir.endsWith(path.sep) ? runtimeDir : runtimeDir + path.sep;
  const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
  const pyodide = await loadPyodide({
    indexURL,
    // Pyodide downloads a package from its CDN when a lock entry's file is missing. Pointing the
    // package base (and with it the fallback URL) at our folder turns that into a local error.
    packageBaseUrl: indexURL,
    stdout: diagnostic,
    stderr: diagnostic,
  });
  const loadErrors = [];
  await pyodide.loadPackage([packageName], {
    messageCallback: (message) => process.stderr.write(`[pyodide] ${message}\n`),
    errorCallback: (message) => loadErrors.push(message),
  });
  // loadPackage reports a failed package through the callback only; it does not throw.
  if (loadErrors.length) {
    throw new Error(`could not load ${packageName} from ${runtimeDir}: ${loadErrors.join("; ")}`);
  }
  pyodide.runPython("import grading.harness, pytest");
  const runJob = pyodide.pyimport("grading.harness").run_job;
  const [python, platform] = pyodide
    .runPython("import sys; [sys.version.split()[0], sys.platform]")
    .toJs();
  pyodide.setInterruptBuffer(new Int32Array(interruptBuffer));
  // Acknowledge each interrupt, so the parent can write again one that CPython dropped.
  pyodide.pyimport("grading.interrupts").install(() => Atomics.store(state, ACK, 1));
  const warmUp = JSON.parse(runJob(JSON.stringify(WARM_UP_JOB)));
  if (warmUp.status !== "passed") {
    throw new Error(`the warm-up job did not pass: ${JSON.stringify(warmUp).slice(0, 2000)}`);
  }
  return { runJob, python, platform, initMs: Math.round(performance.now() - started) };
}

function serve(interpreter) {
  parentPort.on("message", (message) => {
    if (message.type !== "job") return;
    diagnosticRoom = DIAGNOSTIC_BUDGET;
    let json;
    try {
      json = interpreter.runJob(message.job);
      Atomics.store(state, DONE, 1);
    } catch (error) {
      Atomics.store(state, DONE, 1);
      // The harness answers every learner mistake itself, so reaching this means either an
      // interrupt that landed outside the learner's code (pythonType "KeyboardInterrupt") or a
      // broken interpreter (a fatal wasm error: no pythonType).
      parentPort.postMessage({
        type: "fault",
        error: describe(error),
        summary: summarise(error),
        pythonType: error?.type,
      });
      return;
    }
    parentPort.postMessage({ type: "verdict", json });
  });
  parentPort.postMessage({
    type: "ready",
    python: interpreter.python,
    platform: interpreter.platform,
    init_ms: interpreter.initMs,
  });
}

try {
  serve(await start());
} catch (error) {
  // No process.exit(): this message must reach the parent; with no listener the thread ends.
  parentPort.postMessage({ type: "init-failed", error: describe(error) });
}
