// One Pyodide interpreter in a worker thread, started by pyodide-runner.mjs. It boots exactly as
// the browser worker does (static/src/pyodide-boot.mjs) and speaks the same protocol
// (static/src/runner-protocol.mjs); only the transport differs.
//
// Messages in:  {type: "job", job: "<harness job JSON>"}
// Messages out: {type: "ready", python, platform, init_ms, from_snapshot}
//               {type: "init-failed", error}
//               {type: "started"}                          (the learner's code starts: clock on)
//               {type: "verdict", json: "<verdict JSON>"}
//               {type: "fault", error, summary, pythonType}   (run_job raised instead)
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";

import {
  bootInterpreter, connectInterpreter, ensurePackages, warmUpAgain,
} from "../../static/src/pyodide-boot.mjs";
import { acknowledge, markDone, markStarted } from "../../static/src/runner-protocol.mjs";

const { runtimeDir, interruptBuffer, stateBuffer, runtime, useSnapshot } = workerData;
const state = new Int32Array(stateBuffer);
let warming = false; // the post-restore warm-up runs: its "start" is not a job's

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
  const indexURL = runtimeDir.endsWith(path.sep) ? runtimeDir : runtimeDir + path.sep;
  const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
  const createModule = (await import(pathToFileURL(path.join(indexURL, "pyodide.asm.mjs")).href)).default;
  const readBytes = async (name) => new Uint8Array(fs.readFileSync(path.join(runtimeDir, name)));
  const snapshot = useSnapshot && runtime.snapshot ? await readBytes(runtime.snapshot) : null;
  const booted = await bootInterpreter({
    loadPyodide, createModule, indexURL, runtime, readBytes, snapshot, stdout: diagnostic, stderr: diagnostic,
  });
  if (booted.snapshotError) process.stderr.write(`[pyodide] snapshot not used: ${booted.snapshotError}\n`);
  const runJob = connectInterpreter(booted.pyodide, {
    interruptBuffer: new Int32Array(interruptBuffer),
    onAcknowledge: () => acknowledge(state),
    onStarted: () => {
      if (warming) return;
      markStarted(state);
      parentPort.postMessage({ type: "started" });
    },
  });
  return { ...booted, runJob, readBytes, loaded: new Set() };
}

function serve(interpreter) {
  parentPort.on("message", async (message) => {
    if (message.type !== "job") return;
    diagnosticRoom = DIAGNOSTIC_BUDGET;
    let json;
    try {
      // Packages only this job needs load before its clock starts (the learner's code has not).
      await ensurePackages(
        interpreter.pyodide, runtime, JSON.parse(message.job), interpreter.loaded, interpreter.readBytes,
      );
      json = interpreter.runJob(message.job);
      markDone(state);
    } catch (error) {
      markDone(state);
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
    from_snapshot: interpreter.fromSnapshot,
  });
  if (interpreter.fromSnapshot) {
    // As in the browser: a job sent meanwhile waits; its clock starts with its own code.
    setTimeout(() => {
      warming = true;
      warmUpAgain(interpreter.runJob);
      warming = false;
    }, 0);
  }
}

try {
  serve(await start());
} catch (error) {
  // No process.exit(): this message must reach the parent; with no listener the thread ends.
  parentPort.postMessage({ type: "init-failed", error: describe(error) });
}
