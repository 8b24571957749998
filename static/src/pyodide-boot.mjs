// Start one Pyodide interpreter with the grader imported and warmed up: the same code for the
// browser worker (runner.worker.js), the Node runner (runner/node/pyodide-worker.mjs) and the
// set-up step that builds the memory snapshot (runner/node/build-snapshot.mjs).
//
// The grader and its pure-Python dependencies come as one zip (site-packages.zip, built at
// set-up with bytecode compiled by this very Pyodide) imported with zipimport: one download,
// no unpacking, no compiling in the learner's browser. snapshot.bin is the interpreter's memory
// right after the warm-up below; restoring it skips loading Python, importing pytest and the
// warm-up (seconds -> well under one). The memory holds no files, so the zip is written back
// at the same path before Python resumes. Packages only some exercises need (hypothesis) are
// loaded when a job imports them (ensurePackages), before its clock starts.

export const SITE_DIR = "/lib/friction";
export const SITE_ZIP_PATH = `${SITE_DIR}/site-packages.zip`;

// A job that must pass before the interpreter counts as ready: it imports pytest's plugins and
// the assertion rewriter, so the learner's first Check does not pay for them.
export const WARM_UP_JOB = {
  mode: "check",
  files: { "warm_up.py": "def answer():\n    return 42\n" },
  tests: {
    "test_warm_up.py": "from warm_up import answer\n\n\ndef test_answer():\n    assert answer() == 42\n",
  },
};

// The snapshot holds the memory as it was when it was made; the wasm module starts smaller and
// Pyodide only sets its initial size (which a module with its own memory ignores). Allocating
// (then freeing) until the heap is big enough grows it the way Python itself would.
function growingModule(create, bytes) {
  return async (settings) => {
    const module = await create(settings);
    const blocks = [];
    while (module.HEAP8.length < bytes) {
      const block = module._malloc(1 << 20);
      if (!block) break;
      blocks.push(block);
    }
    for (const block of blocks) module._free(block);
    return module;
  };
}

function installSite(siteZip) {
  return (FS) => {
    FS.mkdirTree(SITE_DIR);
    FS.writeFile(SITE_ZIP_PATH, siteZip);
  };
}

// Paths of the files Python holds open (beyond stdin, stdout, stderr).
export function openFiles(pyodide) {
  return pyodide.FS.streams.filter((stream) => stream && stream.fd > 2).map((stream) => stream.path);
}

// runtime: runtime.json (site_zip, snapshot, on_demand); readBytes(name) -> Uint8Array of a
// runtime file; createModule: the default export of pyodide.asm.mjs; siteZip: the zip's bytes
// (or their promise) when the caller fetched them already.
export async function bootInterpreter({
  loadPyodide, createModule, indexURL, runtime, readBytes, snapshot = null, siteZip = null,
  makeSnapshot = false, onStep = () => {}, stdout = () => {}, stderr = () => {},
}) {
  const started = performance.now();
  onStep("download");
  const site = await (siteZip ?? readBytes(runtime.site_zip)); // the caller may have fetched it
  const common = { indexURL, packageBaseUrl: indexURL, stdout, stderr, fsInit: installSite(site) };
  let pyodide = null;
  let snapshotError = null;
  if (snapshot && !makeSnapshot) {
    try {
      pyodide = await loadPyodide({
        ...common, _loadSnapshot: snapshot, createPyodideModule: growingModule(createModule, snapshot.length),
      });
    } catch (error) {
      // A snapshot from another Pyodide build, or one this browser cannot restore: start cold.
      snapshotError = String(error?.message ?? error).slice(0, 300);
      pyodide = null;
    }
  }
  const fromSnapshot = pyodide !== null;
  if (fromSnapshot) {
    // The snapshot froze the random generator's state too: without a new seed every page
    // would draw the same "random" numbers.
    pyodide.runPython("import sys\nif 'random' in sys.modules:\n    sys.modules['random'].seed()");
  }
  if (!pyodide) {
    pyodide = await loadPyodide({
      ...common, ...(makeSnapshot ? { _makeSnapshot: true } : {}),
      ...(createModule ? { createPyodideModule: createModule } : {}),
    });
    onStep("packages");
    pyodide.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(SITE_ZIP_PATH)})\nimport grading.harness, grading.interrupts, pytest`);
    onStep("warm");
    // A string in, a string out: no JS proxies may exist when the memory snapshot is taken.
    pyodide.globals.set("_warm_up_job", JSON.stringify(WARM_UP_JOB));
    const status = pyodide.runPython(
      "import json\n_status = json.loads(grading.harness.run_job(_warm_up_job))['status']\n"
      // Caches holding open files (importlib.metadata keeps zipfile objects) must go: a file
      // descriptor kept in the snapshot would alias a new file's after the restore.
      // gc.freeze(): pytest runs gc.collect() five times per check; what the grader imported
      // is long-lived, and without freezing it each collection walks all of it (0.5 s a check).
      + "del _warm_up_job\nimport importlib, gc\nimportlib.invalidate_caches()\ngc.collect()\ngc.freeze()\n_status",
    );
    if (status !== "passed") throw new Error(`the warm-up job did not pass (${status})`);
    pyodide.runPython("del _status");
    const open = openFiles(pyodide);
    if (makeSnapshot && open.length) throw new Error(`files still open before the snapshot: ${open.join(", ")}`);
  }
  const [python, platform] = pyodide.runPython("import sys\n[sys.version.split()[0], sys.platform]").toJs();
  return {
    pyodide, fromSnapshot, snapshotError, python, platform,
    initMs: Math.round(performance.now() - started),
  };
}

// The packages a job needs beyond the grader (runtime.on_demand: package -> {zip, imports}),
// found from the imports in its files, put on sys.path and imported before the job runs, so
// neither their download nor their import counts against the learner's time. Returns the names
// of the packages it loaded.
export async function ensurePackages(pyodide, runtime, job, loaded, readBytes) {
  const onDemand = runtime.on_demand || {};
  const candidates = Object.entries(onDemand).filter(([name]) => !loaded.has(name));
  if (!candidates.length) return [];
  const sources = [...Object.values(job.files || {}), ...Object.values(job.tests || {})];
  pyodide.globals.set("_sources", JSON.stringify(sources));
  const imported = pyodide.runPython(`
import json
from pyodide.code import find_imports
_names = set()
for _source in json.loads(_sources):
    try:
        _names.update(find_imports(_source))
    except SyntaxError:
        pass  # the harness reports it to the learner
del _sources
sorted(_names)
`).toJs();
  const wanted = candidates.filter(([, info]) => info.imports.some((name) => imported.includes(name)));
  for (const [name, info] of wanted) {
    const path = `${SITE_DIR}/${info.zip}`;
    pyodide.FS.writeFile(path, await readBytes(info.zip));
    const imports = info.imports.filter((i) => !i.startsWith("_")).map((i) => `import ${i}`).join("\n");
    pyodide.runPython(`import sys, importlib\nsys.path.append(${JSON.stringify(path)})\nimportlib.invalidate_caches()\n${imports}`);
    loaded.add(name);
  }
  return wanted.map(([name]) => name);
}

// After a restore, the first check still fills caches the snapshot could not keep (package
// metadata read from the zip, pytest's per-run set-up): a warm-up check run right after
// "ready", while the learner reads, makes the first real Check as quick as the next ones.
// Returns false if it did not pass (nothing depends on it).
export function warmUpAgain(runJob) {
  try {
    return JSON.parse(runJob(JSON.stringify(WARM_UP_JOB))).status === "passed";
  } catch {
    return false; // an early Stop may land here; the learner's job runs next as usual
  }
}

// After boot (and after any snapshot is taken): interrupts through the shared buffer, with an
// acknowledgement, and a signal when the learner's code starts (see grading/interrupts.py).
export function connectInterpreter(pyodide, { interruptBuffer, onAcknowledge, onStarted }) {
  if (interruptBuffer) pyodide.setInterruptBuffer(interruptBuffer);
  pyodide.pyimport("grading.interrupts").install(onAcknowledge, onStarted);
  return pyodide.pyimport("grading.harness").run_job;
}
