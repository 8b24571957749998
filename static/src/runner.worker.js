// Module Web Worker: one Pyodide interpreter with the grader installed. It never touches the DOM.
// Messages in:  {type: "init", baseUrl, package, interruptBuffer?, stateBuffer?}  {type: "job", id, job}
// Messages out: {type: "step", step}  {type: "ready", ms}  {type: "result", id, verdict}
//               {type: "failed", message}  {type: "crash", id, message}
let runJob = null;
let state = null; // Int32Array [DONE, ACK] shared with the page, when cross-origin isolated
const DONE = 0;
const ACK = 1;

async function init({ baseUrl, package: pkg, interruptBuffer, stateBuffer }) {
  const started = performance.now();
  self.postMessage({ type: "step", step: "download" });
  const { loadPyodide } = await import(`${baseUrl}pyodide.mjs`);
  const pyodide = await loadPyodide({
    indexURL: baseUrl,
    lockFileURL: `${baseUrl}pyodide-lock.json`,
    // A lock entry whose file is missing would otherwise be fetched from Pyodide's CDN.
    packageBaseUrl: baseUrl,
    stdout: () => {},
    stderr: () => {},
  });
  self.postMessage({ type: "step", step: "packages" });
  const failures = [];
  // loadPackage does not throw when a file is missing: collect its errors and fail loudly.
  await pyodide.loadPackage([pkg], { messageCallback: () => {}, errorCallback: (m) => failures.push(m) });
  if (failures.length) throw new Error(`could not load the grader from this server: ${failures.join("; ")}`);
  self.postMessage({ type: "step", step: "warm" });
  pyodide.runPython("import grading.harness, pytest");
  runJob = pyodide.pyimport("grading.harness").run_job;
  // A first check imports the rest of pytest; doing it now makes the learner's first Check fast.
  runJob(JSON.stringify({
    mode: "check",
    files: { "warmup.py": "VALUE = 1\n" },
    tests: { "test_warmup.py": "from warmup import VALUE\n\ndef test_value():\n    assert VALUE == 1\n" },
  }));
  if (interruptBuffer && stateBuffer) {
    state = new Int32Array(stateBuffer);
    // Acknowledge each interrupt (see grading/interrupts.py): the page writes again one that
    // CPython dropped.
    pyodide.pyimport("grading.interrupts").install(() => Atomics.store(state, ACK, 1));
    pyodide.setInterruptBuffer(new Int32Array(interruptBuffer));
  }
  self.postMessage({ type: "ready", ms: Math.round(performance.now() - started) });
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
    try {
      const output = runJob(JSON.stringify(msg.job));
      // Mark the job done before answering: a late timer on the page must not interrupt it.
      if (state) Atomics.store(state, DONE, 1);
      self.postMessage({ type: "result", id: msg.id, verdict: JSON.parse(output) });
    } catch (err) {
      if (state) Atomics.store(state, DONE, 1);
      // Python errors become verdicts inside the harness; reaching here means the interpreter broke.
      self.postMessage({ type: "crash", id: msg.id, message: String((err && err.message) || err).slice(0, 1000) });
    }
  }
};
