// Module Web Worker: one Pyodide interpreter with the grader installed. It never touches the DOM.
// It boots like the Node runner (pyodide-boot.mjs) and speaks the same protocol
// (runner-protocol.mjs); the page side is runner.js.
// Messages in:  {type: "init", baseUrl, interruptBuffer?, stateBuffer?}  {type: "job", id, job}
// Messages out: {type: "step", step}  {type: "ready", ms, fromSnapshot}  {type: "failed", message}
//               {type: "started", id}  {type: "result", id, verdict}  {type: "crash", id, message}
import { bootInterpreter, connectInterpreter, ensurePackages, warmUpAgain } from "./pyodide-boot.mjs";
import { acknowledge, markDone, markStarted } from "./runner-protocol.mjs";

const CACHE_PREFIX = "friction-runtime-";
let interpreter = null;
let state = null; // Int32Array shared with the page, when cross-origin isolated
let currentJob = null;
let warming = false; // the post-restore warm-up runs: its "start" is not a job's

// Runtime files live under a URL with the build id and never change. The big ones (snapshot,
// grader zip) are kept in Cache Storage too: a browser's HTTP cache may drop a 38 MB file, and
// a repeat visit must not wait for it. Without Cache Storage (plain http on a LAN), fetch alone.
async function runtimeCache(buildId) {
  if (!self.caches) return null;
  try {
    const name = `${CACHE_PREFIX}${buildId}`;
    for (const key of await caches.keys()) {
      if (key.startsWith(CACHE_PREFIX) && key !== name) caches.delete(key); // older builds
    }
    return await caches.open(name);
  } catch {
    return null; // storage disabled (private mode, quota): fetch alone
  }
}

async function fetchBytes(url, cache) {
  const cached = cache ? await cache.match(url).catch(() => undefined) : undefined;
  const response = cached || await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  if (cache && !cached) {
    const copy = response.clone();
    cache.put(url, copy).catch(() => {}); // a full disk only costs the next visit its speed
  }
  return new Uint8Array(await response.arrayBuffer());
}

async function init({ baseUrl, interruptBuffer, stateBuffer }) {
  const started = performance.now();
  self.postMessage({ type: "step", step: "download" });
  const marks = {};
  const mark = (name) => { marks[name] = Math.round(performance.now() - started); };
  const runtime = await (await fetch(`${baseUrl}runtime.json`)).json();
  const cache = await runtimeCache(runtime.build_id);
  mark("runtime_json");
  const readBytes = (name) => fetchBytes(`${baseUrl}${name}`, cache);
  // Everything is fetched at once; Pyodide fetches its wasm and standard library itself.
  const siteZip = readBytes(runtime.site_zip);
  siteZip.catch(() => {}); // awaited (and reported) by bootInterpreter
  const [{ loadPyodide }, { default: createModule }, snapshot] = await Promise.all([
    import(`${baseUrl}pyodide.mjs`),
    import(`${baseUrl}pyodide.asm.mjs`),
    runtime.snapshot ? readBytes(runtime.snapshot).catch(() => null) : null,
  ]);
  mark("scripts_and_snapshot");
  const booted = await bootInterpreter({
    loadPyodide, createModule, indexURL: baseUrl, runtime, readBytes, snapshot, siteZip,
    onStep: (step) => { if (step !== "download") self.postMessage({ type: "step", step }); },
  });
  mark("python");
  if (interruptBuffer && stateBuffer) state = new Int32Array(stateBuffer);
  const runJob = connectInterpreter(booted.pyodide, {
    interruptBuffer: interruptBuffer ? new Int32Array(interruptBuffer) : null,
    onAcknowledge: () => acknowledge(state),
    onStarted: () => {
      if (warming) return;
      markStarted(state);
      self.postMessage({ type: "started", id: currentJob });
    },
  });
  interpreter = { ...booted, runtime, runJob, readBytes, loaded: new Set() };
  self.postMessage({
    type: "ready", ms: Math.round(performance.now() - started), fromSnapshot: booted.fromSnapshot,
    snapshotError: booted.snapshotError, marks,
  });
  if (booted.fromSnapshot) {
    // A job posted meanwhile waits in the message queue; its clock starts with its own code.
    setTimeout(() => {
      warming = true;
      warmUpAgain(runJob);
      warming = false;
    }, 0);
  }
}

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg.type === "init") {
    try {
      await init(msg);
    } catch (err) {
      self.postMessage({ type: "failed", message: String((err && err.message) || err).slice(0, 1000) });
    }
  } else if (msg.type === "job") {
    currentJob = msg.id;
    try {
      // Packages only this job needs load before its clock starts (the learner's code has not).
      await ensurePackages(interpreter.pyodide, interpreter.runtime, msg.job, interpreter.loaded, interpreter.readBytes);
      const output = interpreter.runJob(JSON.stringify(msg.job));
      markDone(state); // before answering: a late timer on the page must not interrupt it
      self.postMessage({ type: "result", id: msg.id, verdict: JSON.parse(output) });
    } catch (err) {
      markDone(state);
      // Python errors become verdicts inside the harness; reaching here means the interpreter
      // broke, or an interrupt landed outside the learner's code (a KeyboardInterrupt).
      self.postMessage({
        type: "crash", id: msg.id, pythonType: err && err.type,
        message: String((err && err.message) || err).split("\n").filter((l) => l.trim()).at(-1)?.slice(0, 300) || "unknown error",
      });
    }
  }
};
