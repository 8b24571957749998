// The exercise page: editor, Run/Check/Stop, named runner steps, results, drafts, attempts.
import { MultiFileEditor } from "./editor.js";
import { BrowserRunner } from "./runner.js";
import { AttemptQueue } from "./attempts.js";
import { Cards } from "./cards.js";
import { HintLadder } from "./hints.js";
import { learnerKey } from "./storage.js";

const $ = (id) => document.getElementById(id);
const data = JSON.parse($("page-data").textContent);
const exercise = data.exercise;
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const nonce = document.querySelector('meta[name="csp-nonce"]').content;
const draftKey = learnerKey(data.storage_scope, `draft:${exercise.id}`);
const STEPS = ["download", "packages", "warm", "ready"];

// ---------- server calls for the friction cards (never block a check if they fail) ----------
async function api(url, body = null, method = "POST") {
  try {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: method === "POST" ? { "Content-Type": "application/json", "X-CSRFToken": csrfToken } : {},
      body: method === "POST" ? JSON.stringify(body ?? {}) : undefined,
    });
    let reply = null;
    try { reply = await response.json(); } catch { /* not JSON */ }
    return { status: response.status, body: reply };
  } catch {
    return { status: 0, body: null }; // offline: friction never locks anyone out
  }
}
const frictionUrl = `/api/exercises/${encodeURIComponent(exercise.id)}/friction`;
async function frictionAt(moment, files = null) {
  const { status, body } = await api(frictionUrl, { moment, files });
  return status === 200 ? body : null;
}

// ---------- drafts: unsaved code survives a reload ----------
function loadDraft() {
  try {
    const draft = JSON.parse(localStorage.getItem(draftKey) || "null");
    if (draft && draft.files && Object.keys(draft.files).every((n) => n in exercise.starter)) return draft;
  } catch { /* a corrupt draft is ignored, the starter is used */ }
  return null;
}
let draftTimer = null;
function saveDraft() {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(() => {
    localStorage.setItem(draftKey, JSON.stringify({ files: editor.files(), saved: new Date().toISOString() }));
  }, 300);
}

// ---------- editor ----------
const draft = loadDraft();
const editor = new MultiFileEditor($("editor"), {
  files: draft ? { ...exercise.starter, ...draft.files } : exercise.starter,
  readonly: exercise.readonly,
  nonce,
  onChange: saveDraft,
  onSubmit: () => check("check"),
});

function renderTabs() {
  const tabs = $("file-tabs");
  tabs.replaceChildren();
  for (const name of editor.names()) {
    const tab = document.createElement("button");
    tab.type = "button";
    tab.className = "file-tab";
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-selected", String(name === editor.current));
    tab.textContent = name;
    if (editor.isReadonly(name)) {
      const ro = document.createElement("span");
      ro.className = "ro";
      ro.textContent = " (read-only)";
      tab.append(ro);
    }
    tab.addEventListener("click", () => { editor.show(name); renderTabs(); });
    tabs.append(tab);
  }
}
renderTabs();

// ---------- status: named steps, never a bare spinner ----------
function setStep(step, state = "active") {
  const index = STEPS.indexOf(step);
  for (const li of $("runner-steps").children) {
    const i = STEPS.indexOf(li.dataset.step);
    li.dataset.state = i < index ? "done" : i === index ? state : "";
  }
}
function status(text) { $("status-line").textContent = text; }
const stepText = {
  download: "Step 1 of 3: loading Python for your browser (about 6 MB the first time; later visits use the cache)…",
  restart: "Restarting Python: the last run had to be stopped the hard way. Your code is untouched.",
  packages: "Step 2 of 3: installing pytest and the grader…",
  warm: "Step 3 of 3: warming up, so your first check is quick…",
};

const buttons = { check: $("check-button"), run: $("run-button"), stop: $("stop-button") };
let running = false;
let stopRequested = false; // Stop pressed before the code reached the worker (cards, loading)
let runtimeReady = false;
function updateButtons() {
  buttons.check.disabled = running || !data.runtime.base_url;
  buttons.run.disabled = running || !data.runtime.base_url;
  buttons.stop.disabled = !running;
}

const runner = data.runtime.base_url ? new BrowserRunner({
  workerUrl: data.worker_url,
  baseUrl: new URL(data.runtime.base_url, location.href).href,
  pkg: data.runtime.package,
  onStep: (step) => {
    setStep(step);
    const restarting = step === "download" && runner.stats.replaced > 0;
    if (!running) status(restarting ? stepText.restart : stepText[step] || "");
  },
  onReady: (ms) => {
    runtimeReady = true;
    setStep("ready", "done");
    if (!running) status(`Python is ready (started in ${(ms / 1000).toFixed(1)} s). Press Check when you are.`);
  },
  onFailed: (message) => {
    runtimeReady = false;
    for (const li of $("runner-steps").children) if (li.dataset.state === "active") li.dataset.state = "failed";
    status(`Python could not start in this browser: ${message}. Reload the page to try again; if it keeps failing, tell your instructor.`);
  },
}) : null;
if (runner) runner.start();
updateButtons();

// ---------- results ----------
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
function humanName(test) {
  if (test.description) return test.description;
  return test.name.replace(/^test_/, "").replace(/_/g, " ");
}

// While a run is in progress the old result is cleared, so nobody reads a stale verdict.
function showRunning(mode) {
  const summary = $("verdict-summary");
  summary.className = "verdict-summary verdict-running";
  summary.replaceChildren(el("p", "headline", mode === "check" ? "Checking…" : "Running…"));
  $("test-list").replaceChildren();
  $("output-box").hidden = true;
}

function renderVerdict(verdict, mode) {
  const summary = $("verdict-summary");
  summary.className = `verdict-summary verdict-${verdict.status}`;
  summary.replaceChildren();
  const list = $("test-list");
  list.replaceChildren();
  let headline;
  if (mode === "run") {
    headline = verdict.status === "passed" ? "Ran without errors." : verdict.status === "timeout" ? "Stopped." : "Your code raised an error.";
  } else if (verdict.status === "passed") {
    headline = `All ${verdict.total} tests passed.`;
  } else if (verdict.status === "failed") {
    headline = `${verdict.passed} of ${verdict.total} tests passed. Read the first failure below, change one thing, and check again.`;
  } else if (verdict.status === "timeout") {
    headline = "Stopped: the time limit was reached.";
  } else {
    headline = "The tests could not run yet.";
  }
  summary.append(el("p", "headline", headline));
  if (verdict.error) {
    const where = verdict.error.file ? ` in ${verdict.error.file}${verdict.error.line ? `, line ${verdict.error.line}` : ""}` : "";
    const p = el("p", "error-detail", `${verdict.error.type}${where}: ${verdict.error.message}`);
    summary.append(p);
    if (verdict.error.file && verdict.error.line) {
      const jump = el("button", "link-button", "Show me that line");
      jump.type = "button";
      jump.addEventListener("click", () => { editor.reveal(verdict.error.file, verdict.error.line); renderTabs(); });
      summary.append(jump);
    }
  }
  for (const test of verdict.tests || []) {
    const item = el("li", `test test-${test.outcome}`);
    const label = { passed: "Passed", failed: "Failed", error: "Error", skipped: "Skipped" }[test.outcome] || test.outcome;
    item.append(el("span", "outcome", label), el("span", "name", humanName(test)));
    if (test.message && test.outcome !== "passed") item.append(el("div", "message", test.message));
    list.append(item);
  }
  const out = verdict.stdout || "";
  $("output-box").hidden = !out && mode !== "run";
  $("output").textContent = out + (verdict.stdout_truncated ? "\n… the rest of the output was cut." : "") || "(nothing was printed)";
  if (mode === "run") $("output-box").open = true;
}

// ---------- attempts ----------
const queue = new AttemptQueue({
  url: data.attempts_url,
  csrfToken,
  storageKey: learnerKey(data.storage_scope, "attempt-queue"),
  onChange: (n) => {
    $("queue-status").textContent = n
      ? `${n} attempt${n === 1 ? "" : "s"} saved in this browser, waiting for the server. They will be sent automatically.`
      : "";
  },
  onStored: (summary, attempt) => addAttemptRow(summary, attempt.id),
  onRejected: (attempt, message) => {
    $("queue-status").textContent = `An attempt could not be stored: ${message}`;
    markRow(attempt.id, "rejected");
  },
  onAuthNeeded: () => {
    $("queue-status").textContent = "You are signed out. Log in again in another tab; your attempts wait here and will be sent.";
  },
});

function attemptCells(summary) {
  const cells = [
    localTime(summary.created_at || summary.client_time),
    summary.kind === "check" ? "Check" : "Run",
    null,
    summary.kind === "check" ? `${summary.tests_passed}/${summary.tests_total}` : "–",
    summary.first_failure || summary.error_type || "",
  ];
  return cells;
}
function markRow(id, state) {
  const row = document.querySelector(`tr[data-attempt-id="${id}"]`);
  if (row) row.classList.toggle("pending", state === "pending");
}
function addAttemptRow(summary, id, pending = false) {
  $("attempt-table").hidden = false;
  $("no-attempts").hidden = true;
  let row = document.querySelector(`tr[data-attempt-id="${id}"]`);
  if (!row) {
    row = document.createElement("tr");
    row.dataset.attemptId = id;
    $("attempt-rows").prepend(row);
  }
  row.replaceChildren();
  const cells = attemptCells(summary);
  cells.forEach((text, i) => {
    const td = document.createElement("td");
    if (i === 2) td.append(el("span", `badge badge-${summary.status}`, pending ? `${summary.status} (not sent yet)` : summary.status));
    else td.textContent = text;
    row.append(td);
  });
  const td = document.createElement("td");
  const open = el("button", "link-button", "Open code");
  open.type = "button";
  open.dataset.openAttempt = id;
  td.append(open);
  row.append(td);
  markRow(id, pending ? "pending" : "stored");
}

let undoFiles = null;
async function openAttempt(id) {
  const queued = queue.load().find((a) => a.id === id);
  let files = queued ? queued.files : null;
  if (!files) {
    const response = await fetch(data.attempt_url.replace("ATTEMPT_ID", encodeURIComponent(id)), { credentials: "same-origin" });
    if (!response.ok) { status("That attempt could not be loaded. Try again in a moment."); return; }
    files = (await response.json()).files;
  }
  undoFiles = editor.files();
  editor.setFiles(files);
  saveDraft();
  status("Loaded the code of that attempt into the editor.");
  const undo = el("button", "link-button", "Undo");
  undo.type = "button";
  undo.addEventListener("click", () => { editor.setFiles(undoFiles); saveDraft(); status("Back to the code you had before."); });
  $("status-line").append(" ", undo);
}
$("attempt-rows").addEventListener("click", (e) => {
  const id = e.target.closest("[data-open-attempt]")?.dataset.openAttempt;
  if (id) openAttempt(id);
});

// ---------- friction cards ----------
const cards = new Cards($("card-area"), { post: api });
let planPending = false;

async function beforeCheck(files) {
  if (planPending) { // pressing Check answers the plan card with a skip (recorded)
    planPending = false;
    cards.clear();
    await api("/api/journal", { kind: "plan", exercise_id: exercise.id, skipped: true });
  }
  for (let round = 0; round < 2; round++) {
    const decision = await frictionAt("before_check", files);
    if (!decision) return;
    if (decision.reflect) { status("A short reflection first."); await cards.reflection(exercise.id); hints.refresh(); continue; }
    if (decision.wait_seconds > 0) { status("Waiting a moment before the check."); await cards.cooldown(exercise.id, decision.wait_seconds, decision.wait_reason); }
    return;
  }
}

async function afterCheck(verdict, files) {
  if (verdict.status === "passed") {
    await cards.success(exercise.id, null, files);
    return;
  }
  hints.refresh();
  const decision = await frictionAt("after_check");
  if (decision && decision.offer_break) await cards.breakOffer(exercise.id, decision.break_minutes, decision);
}

async function onOpen() {
  const decision = await frictionAt("open");
  if (!decision) return;
  if (decision.reentry) await cards.reentry(exercise.id, decision.last_thought);
  else if (decision.plan) {
    planPending = true;
    const answer = cards.plan(exercise.id, decision.predict);
    answer.then(() => { planPending = false; });
  }
}

// ---------- run and check ----------
async function check(mode) {
  if (running || !runner) return;
  running = true;
  stopRequested = false;
  updateButtons();
  const files = editor.files();
  showRunning(mode);
  if (mode === "check") await beforeCheck(files);
  const clientTime = new Date().toISOString();
  if (!runtimeReady) status("Waiting for Python to finish loading — your check starts right after.");
  const job = { mode, files: { ...exercise.readonly, ...files }, tests: mode === "check" ? exercise.tests : {}, entry: exercise.entry, stdin: "" };
  let verdict;
  const started = performance.now();
  try {
    await runner.ready;
    if (stopRequested) { // nothing ran, so nothing is recorded
      running = false;
      updateButtons();
      cards.clear();
      $("verdict-summary").replaceChildren(el("p", "headline", "Stopped before it ran. Press Check when you are ready."));
      status("");
      return;
    }
    status(mode === "check" ? "Running the tests…" : "Running your code…");
    verdict = await runner.run(job, exercise.time_limit_ms);
  } catch (err) {
    status(`Python could not start in this browser: ${err.message}. Reload the page to try again.`);
    running = false;
    updateButtons();
    return;
  }
  const durationMs = Math.round(performance.now() - started);
  running = false;
  updateButtons();
  renderVerdict(verdict, mode);
  status(verdict.status === "passed" && mode === "check" ? "Well done: every test passes." : `Finished in ${(durationMs / 1000).toFixed(2)} s.`);
  const attempt = {
    id: crypto.randomUUID(),
    exercise_id: exercise.id,
    exercise_version: exercise.version,
    kind: mode,
    files,
    verdict,
    duration_ms: durationMs,
    client_time: clientTime,
  };
  const failing = verdict.tests.find((t) => t.outcome === "failed" || t.outcome === "error");
  addAttemptRow({ ...attempt, status: verdict.status, tests_passed: verdict.passed, tests_total: verdict.total,
    first_failure: failing ? failing.description || failing.name : null,
    error_type: verdict.error?.type || null }, attempt.id, true);
  await queue.enqueue(attempt); // stored before the cards ask the server about it
  if (mode === "check") await afterCheck(verdict, files);
}

buttons.check.addEventListener("click", () => check("check"));
buttons.run.addEventListener("click", () => check("run"));
buttons.stop.addEventListener("click", () => {
  if (!runner) return;
  if (runner.busy) runner.halt(true);
  else stopRequested = true;
});
$("reset-button").addEventListener("click", () => {
  undoFiles = editor.files();
  editor.setFiles(exercise.starter);
  localStorage.removeItem(draftKey);
  status("The editor holds the starter code again.");
  const undo = el("button", "link-button", "Undo");
  undo.type = "button";
  undo.addEventListener("click", () => { editor.setFiles(undoFiles); saveDraft(); status("Back to your code."); });
  $("status-line").append(" ", undo);
});
if (draft) $("draft-note").textContent = "Restored your unsaved code from this browser.";

// ---------- times in the learner's own time zone ----------
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
function localTime(iso) { return timeFormat.format(new Date(iso)); }
for (const node of document.querySelectorAll("#attempt-rows time[datetime]")) {
  node.textContent = localTime(node.getAttribute("datetime"));
}

// ---------- hints: unlocked by effort ----------
const hints = new HintLadder({
  exerciseId: exercise.id, api, list: $("hint-list"), form: $("hint-form"), input: $("stuck-text"),
  button: $("hint-button"), statusLine: $("hint-status"),
});
hints.refresh();

queue.flush().then(onOpen);
window.frictionLab = { runner, editor, queue, cards };
