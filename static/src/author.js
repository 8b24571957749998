// The instructor's exercise editor: files as text, a live preview of the prompt, and Prove,
// which runs the proof of `flask exercises check` in this browser's Pyodide (the learners'
// runtime) before Publish is allowed. The server loads the draft, hands out the jobs, judges the
// verdicts with the CLI's rules and signs a proof of exactly these files.
import { makeApi, ok, problemText } from "./http.js";
import { BrowserRunner } from "./runner.js";

const $ = (id) => document.getElementById(id);
const data = JSON.parse($("author-data").textContent);
const api = makeApi(document.querySelector("meta[name=csrf-token]").content);

const files = new Map(Object.entries(data.files));
let current = files.has("prompt.md") ? "prompt.md" : [...files.keys()][0];
let token = null; // the proof of the files as they were when proven
let proving = false;
let pythonReady = false;

// ---- Python in this browser, started while the instructor reads and edits -------------------
const STEPS = ["python", "load", "run", "judge"];
function setStep(step, state = "active") {
  const index = STEPS.indexOf(step);
  for (const li of $("prove-steps").children) {
    const i = STEPS.indexOf(li.dataset.step);
    li.dataset.state = i < index ? "done" : i === index ? state : "";
  }
}
function status(text) { $("prove-status").textContent = text; }

const runner = data.runtime.base_url ? new BrowserRunner({
  workerUrl: data.worker_url,
  baseUrl: new URL(data.runtime.base_url, location.href).href,
  onReady: (ms) => {
    pythonReady = true;
    setStep("python", "done");
    status(`Python is ready (started in ${(ms / 1000).toFixed(1)} s). Press Prove when the files are ready.`);
    refreshButtons();
  },
  onFailed: (message) => {
    setStep("python", "failed");
    status(`Python could not start in this browser: ${message}. Reload the page to try again.`);
  },
}) : null;
if (runner) { setStep("python"); runner.start(); }
else status("The in-browser Python runtime is not built on this server, so Prove cannot run. An admin builds it with ./scripts/run or python scripts/build_assets.py.");

// ---- files ---------------------------------------------------------------------------------
function draft() {
  return { track: $("author-track").value, folder: $("author-folder").value.trim(), files: Object.fromEntries(files) };
}

function renderList() {
  const list = $("file-list");
  list.replaceChildren();
  for (const name of [...files.keys()].sort()) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = name;
    if (name === current) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => { open(name); $("file-text").focus(); });
    li.append(button);
    list.append(li);
  }
}

function open(name) {
  current = name;
  $("file-name").textContent = name;
  $("file-text").value = files.get(name) ?? "";
  $("preview").hidden = name !== "prompt.md";
  if (name === "prompt.md") preview();
  renderList();
}

function changed() {
  if (token) {
    token = null;
    status("The files changed since the proof: press Prove again before publishing.");
  }
  refreshButtons();
}

function refreshButtons() {
  $("prove-button").disabled = !pythonReady || proving;
  $("publish-button").disabled = !token || proving;
}

let previewTimer = null;
async function preview() {
  const { status: code, body } = await api(data.urls.preview, { markdown: files.get("prompt.md") ?? "", title: "" });
  $("preview-body").innerHTML = ok(code) ? body.html : ""; // sanitised on the server (app.rendering)
  if (!ok(code)) $("preview-body").textContent = `No preview: ${problemText(code, body)}.`;
}

$("file-text").addEventListener("input", () => {
  files.set(current, $("file-text").value);
  changed();
  if (current === "prompt.md") {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, 300); // calm: redraw once typing pauses
  }
});

$("add-file").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("new-file").value.trim().replace(/^\/+/, "");
  if (!name) { status("Type the new file's path first, for example wrong/my-mistake/vowels.py."); return; }
  if (!files.has(name)) files.set(name, "");
  $("new-file").value = "";
  changed();
  open(name);
  $("file-text").focus();
});

$("remove-file").addEventListener("click", () => {
  if (files.size <= 1) return;
  const removed = current;
  files.delete(removed);
  changed();
  open(files.has("prompt.md") ? "prompt.md" : [...files.keys()][0]);
  status(`Removed ${removed}.`);
  $("file-list").querySelector("button")?.focus();
});

for (const id of ["author-track", "author-folder"]) $(id).addEventListener("input", changed);

// ---- Prove and Publish ---------------------------------------------------------------------
function showProblems(title, problems) {
  const box = $("prove-problems");
  box.replaceChildren();
  if (!title) return;
  const heading = document.createElement("p");
  heading.className = problems.length ? "notice" : "result-pass";
  heading.textContent = title;
  box.append(heading);
  if (problems.length) {
    const list = document.createElement("ul");
    for (const p of problems) {
      const li = document.createElement("li");
      li.textContent = p;
      list.append(li);
    }
    box.append(list);
  }
  box.focus();
}

function caseRow(c) {
  const tr = document.createElement("tr");
  const cells = [c.label, c.must_pass ? "pass" : "fail", "waiting"];
  for (const text of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}

function verdictText(v) {
  if (v.status === "passed") return `passed (${v.passed}/${v.total} tests)`;
  if (v.status === "failed") return `failed (${v.passed}/${v.total} tests passed)`;
  return v.status;
}

async function prove() {
  proving = true;
  token = null;
  refreshButtons();
  showProblems("", []);
  setStep("load");
  status("Loading the draft on the server…");
  const sent = draft();
  const loaded = await api(data.urls.draft, sent);
  if (!ok(loaded.status)) {
    setStep("load", "failed");
    status("The draft could not be loaded.");
    showProblems(`Not proven: ${problemText(loaded.status, loaded.body)}.`, []);
    proving = false;
    refreshButtons();
    return;
  }
  const cases = loaded.body.cases;
  const rows = cases.map(caseRow);
  $("prove-cases").tBodies[0].replaceChildren(...rows);
  $("prove-cases").hidden = false;
  setStep("run");
  const verdicts = [];
  for (const [i, c] of cases.entries()) {
    status(`Running answer ${i + 1} of ${cases.length}: ${c.label}…`);
    const verdict = await runner.run(c.job, c.time_limit_ms);
    verdicts.push(verdict);
    rows[i].cells[2].textContent = verdictText(verdict);
  }
  setStep("judge");
  status("Judging the results…");
  const judged = await api(data.urls.proof, { ...sent, verdicts });
  proving = false;
  if (!ok(judged.status)) {
    setStep("judge", "failed");
    status("The results could not be judged.");
    showProblems(`Not proven: ${problemText(judged.status, judged.body)}.`, []);
  } else if (!judged.body.proven) {
    setStep("judge", "failed");
    status("Not proven: fix what is listed, then press Prove again.");
    showProblems(`Not proven: ${judged.body.problems.length} problem(s) in ${cases.length} answers.`, judged.body.problems);
  } else if (JSON.stringify(draft()) !== JSON.stringify(sent)) {
    setStep("judge", "failed");
    status("The files changed while Prove ran: press Prove again.");
  } else {
    token = judged.body.token;
    setStep("judge", "done");
    for (const li of $("prove-steps").children) li.dataset.state = "done";
    status(`Proven in this browser: ${cases.length} answers behaved as they must. Publish is open.`);
    showProblems(`Proven: ${cases.length} answers behaved as they must.`, []);
  }
  refreshButtons();
}

async function publish() {
  if (!token) return;
  proving = true;
  refreshButtons();
  status("Publishing: the server proves it once more under CPython…");
  const { status: code, body } = await api(data.urls.publish, { ...draft(), token });
  proving = false;
  if (!ok(code)) {
    status("Not published.");
    showProblems(`Not published: ${problemText(code, body)}.`, []);
    refreshButtons();
    return;
  }
  token = null;
  const box = $("prove-problems");
  box.replaceChildren();
  const p = document.createElement("p");
  p.className = "result-pass";
  p.append(`Published ${body.id}, version ${body.version}${body.replaced ? " (it replaces the previous version)" : ""}. `);
  const link = document.createElement("a");
  link.href = body.url;
  link.textContent = "Open it as a learner";
  p.append(link);
  box.append(p);
  box.focus();
  status("Published.");
  refreshButtons();
}

$("prove-button").addEventListener("click", () => { prove(); });
$("publish-button").addEventListener("click", () => { publish(); });

// ---- start ---------------------------------------------------------------------------------
for (const [slug, title] of data.tracks) {
  const option = new Option(title, slug, false, slug === data.track);
  $("author-track").append(option);
}
$("author-folder").value = data.folder;
open(current);
refreshButtons();
document.body.dataset.author = "ready";
