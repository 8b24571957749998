#!/usr/bin/env node
// Set-up step (called by scripts/build_assets.py): build, in a runtime folder,
//   site-packages.zip  the grader and its pure-Python dependencies, with bytecode compiled by
//                      this Pyodide's own Python (the host has no Python 3.14), for zipimport;
//   snapshot.bin       Pyodide's memory after the grader is imported and warmed up, so a page
//                      (or the Node runner) restores Python in a fraction of a second.
//
//   node runner/node/build-snapshot.mjs --runtime DIR --package friction-grading \
//        --on-demand hypothesis --source-only pygments
//
// Prints one JSON line: {"site_zip", "snapshot", "on_demand": {package: {zip, imports}}}.
// Packages named by --on-demand (and dependencies only they need) stay out of the main zip and
// the snapshot: each gets its own zip (NAME.zip), loaded when a job imports it.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { bootInterpreter, ensurePackages, SITE_DIR, SITE_ZIP_PATH, WARM_UP_JOB } from "../../static/src/pyodide-boot.mjs";

const BUILD_SITE = `
import importlib.util
import io
import json
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

STAMP = (2020, 1, 1, 0, 0, 0)  # fixed times: the same inputs give the same zip


def build_site(wheel_paths, zip_path, source_only):
    out = io.BytesIO()
    written = set()

    def add(name, data):
        parts = name.split("/")
        for depth in range(1, len(parts)):  # zipimport finds (namespace) packages by their folders
            folder = "/".join(parts[:depth]) + "/"
            if folder not in written:
                written.add(folder)
                site.writestr(zipfile.ZipInfo(folder, STAMP), b"")
        written.add(name)
        site.writestr(zipfile.ZipInfo(name, STAMP), data)

    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as site:
        for wheel_path in wheel_paths:
            with zipfile.ZipFile(wheel_path) as wheel:
                for info in wheel.infolist():
                    name = info.filename
                    if name.endswith("/") or name in written or name.split("/")[0].endswith(".data"):
                        continue
                    data = wheel.read(info)
                    add(name, data)
                    if name.endswith(".py") and name.split("/")[0] not in source_only:
                        try:
                            code = compile(data, f"{zip_path}/{name}", "exec", dont_inherit=True)
                        except SyntaxError:
                            continue
                        # Unchecked hash-based bytecode: zipimport uses it without comparing times.
                        pyc = _code_to_hash_pyc(code, importlib.util.source_hash(data), False)
                        add(name + "c", bytes(pyc))
    return out.getvalue()
`;

function normalise(name) {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

function closure(entries, roots) {
  const seen = new Set();
  const visit = (name) => {
    const key = normalise(name);
    if (seen.has(key)) return;
    const entry = entries.get(key);
    if (!entry) throw new Error(`pyodide-lock.json does not list ${name}`);
    seen.add(key);
    for (const dependency of entry.depends) visit(dependency);
  };
  roots.forEach(visit);
  return seen;
}

async function main() {
  const { values } = parseArgs({
    options: {
      runtime: { type: "string" },
      package: { type: "string", default: "friction-grading" },
      "on-demand": { type: "string", multiple: true, default: [] },
      // Top-level folders kept as source only: big, and never imported by a check (pygments).
      "source-only": { type: "string", multiple: true, default: [] },
    },
  });
  const runtimeDir = path.resolve(values.runtime);
  const indexURL = runtimeDir + path.sep;
  const lock = JSON.parse(fs.readFileSync(path.join(runtimeDir, "pyodide-lock.json"), "utf8"));
  const entries = new Map(Object.values(lock.packages).map((e) => [normalise(e.name), e]));
  const onDemandRoots = values["on-demand"].map(normalise);
  // The grader's packages, except the on-demand ones and what only they depend on.
  closure(entries, [values.package, ...onDemandRoots]); // every name resolves, or fail here
  const withoutOnDemand = new Set();
  const visit = (key) => {
    if (withoutOnDemand.has(key) || onDemandRoots.includes(key)) return;
    withoutOnDemand.add(key);
    for (const dependency of entries.get(key).depends) visit(normalise(dependency));
  };
  visit(normalise(values.package));
  const inZip = [...withoutOnDemand];
  // Each on-demand package gets its own zip: itself and what only it needs.
  const onDemandZips = onDemandRoots.map((root) => {
    const keys = [...closure(entries, [root])].filter((key) => !withoutOnDemand.has(key));
    return { name: entries.get(root).name, file: `${entries.get(root).name}.zip`, keys, imports: entries.get(root).imports };
  });
  const onDemand = Object.fromEntries(onDemandZips.map((z) => [z.name, { zip: z.file, imports: z.imports }]));

  const { loadPyodide } = await import(pathToFileURL(path.join(runtimeDir, "pyodide.mjs")).href);
  const createModule = (await import(pathToFileURL(path.join(runtimeDir, "pyodide.asm.mjs")).href)).default;

  // 1. The zip, compiled by a plain interpreter of the same build.
  const compiler = await loadPyodide({ indexURL, packageBaseUrl: indexURL });
  compiler.runPython(BUILD_SITE);
  const buildZip = (keys, out, zipPath) => {
    const wheelPaths = [];
    for (const key of [...keys].sort()) {
      const file = entries.get(key).file_name;
      compiler.FS.writeFile(`/tmp/${file}`, fs.readFileSync(path.join(runtimeDir, file)));
      wheelPaths.push(`/tmp/${file}`);
    }
    compiler.globals.set("_wheels", JSON.stringify(wheelPaths));
    compiler.runPython(`open("/tmp/out.zip", "wb").write(build_site(json.loads(_wheels), ${JSON.stringify(zipPath)}, ${JSON.stringify(values["source-only"])}))`);
    const bytes = compiler.FS.readFile("/tmp/out.zip");
    fs.writeFileSync(path.join(runtimeDir, out), bytes);
    return bytes;
  };
  const siteZip = buildZip(inZip, "site-packages.zip", SITE_ZIP_PATH);
  for (const z of onDemandZips) buildZip(z.keys, z.file, `${SITE_DIR}/${z.file}`);

  // 2. The snapshot, taken right after a cold boot with the warm-up done.
  const runtime = { site_zip: "site-packages.zip", on_demand: onDemand };
  const readBytes = async (name) => new Uint8Array(fs.readFileSync(path.join(runtimeDir, name)));
  const quiet = () => {};
  const maker = await bootInterpreter({
    loadPyodide, createModule, indexURL, runtime, readBytes, makeSnapshot: true, stdout: quiet, stderr: quiet,
  });
  const snapshot = maker.pyodide.makeMemorySnapshot();
  fs.writeFileSync(path.join(runtimeDir, "snapshot.bin"), snapshot);

  // 3. Proof that it restores and grades (the build fails otherwise).
  const restored = await bootInterpreter({
    loadPyodide, createModule, indexURL, runtime, readBytes, snapshot: new Uint8Array(fs.readFileSync(path.join(runtimeDir, "snapshot.bin"))),
    stdout: quiet, stderr: quiet,
  });
  if (!restored.fromSnapshot) throw new Error(`the snapshot does not restore: ${restored.snapshotError}`);
  const runJob = restored.pyodide.pyimport("grading.harness").run_job;
  const verdict = JSON.parse(runJob(JSON.stringify(WARM_UP_JOB)));
  if (verdict.status !== "passed") throw new Error(`a restored interpreter failed the warm-up job: ${JSON.stringify(verdict)}`);
  // Every on-demand zip loads and imports in a restored interpreter.
  for (const z of onDemandZips) {
    const job = { mode: "run", files: { "main.py": z.imports.map((name) => `import ${name}`).join("\n") } };
    const loaded = await ensurePackages(restored.pyodide, runtime, job, new Set(), readBytes);
    if (!loaded.includes(z.name)) throw new Error(`${z.name} was not loaded for a job importing it`);
    const ran = JSON.parse(runJob(JSON.stringify({ ...job, entry: "main.py" })));
    if (ran.status !== "passed") throw new Error(`importing ${z.name} failed: ${JSON.stringify(ran)}`);
  }
  process.stdout.write(`${JSON.stringify({
    site_zip: "site-packages.zip", snapshot: "snapshot.bin", on_demand: onDemand,
    site_bytes: siteZip.length, snapshot_bytes: snapshot.length, in_zip: inZip.sort(),
  })}\n`);
}

try {
  await main();
  process.exit(0);
} catch (error) {
  process.stderr.write(`[build-snapshot] ${error?.stack ?? error}\n`);
  process.exit(1);
}
