// The exercise page: editor, Run/Check/Stop, named runner steps, results, drafts, attempts.
import { MultiFileEditor } from "./editor.js";
import { BrowserRunner } from "./runner.js";
import { AttemptQueue } from "./attempts.js";
import { Cards, compareFiles } from "./cards.js";
import { HintLadder } from "./hints.js";
import { TutorPanel } from "./tutor.js";
import { makeApi, ok, problemText } from "./http.js";
import { learnerKey } from "./storage.js";

const $ = (id) => document.getElementById(id);
const data = JSON.parse($("page-data").textContent);
const exercise = data.exercise;
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const nonce = document.querySelector('meta[name="csp-nonce"]').content;
const draftKey = learnerKey(data.storage_scope, `draft:${exercise.id}`);
const STEPS = ["download", "packages", "warm", "ready"];

// ---------- server calls (never block a check if they fail, always say so) ----------
const api = makeApi(csrfToken);
const frictionUrl = `/api/exercises/${encodeURIComponent(exercise.id)}/friction`;
async function frictionAt(moment, files = null) {
  const { status: code, body } = await api(frictionUrl, { moment, files });
  if (code === 200) return body;
  // Friction never locks anyone out: the check goes on, and the learner knows why no card came.
  notice(`Could not ask the server about cards: ${problemText(code, body)}. Your work goes on anyway.`);
  return null;
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
// A request the server refused or could not take: said where it stays until the next check.
function notice(text) { $("page-notice").textContent = text; $("page-notice").hidden = !text; }
const stepText = {
  download: "Step 1 of 3: loading Python for your browser (about 16 MB the first time; later visits use the copy kept in this browser)…",
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

// Python's worker was started by runner-boot.js before this bundle loaded; started here only if
// that script did not run.
if (data.runtime.base_url && !self.frictionRunner) {
  self.frictionRunner = new BrowserRunner({ workerUrl: data.worker_url, baseUrl: new URL(data.runtime.base_url, location.href).href });
  self.frictionRunner.start();
}
const runner = self.frictionRunner || null;
if (runner) runner.listen({
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
  onRetry: (first) => {
    const text = first.cause === "busy"
      ? "Your code was stopped because the computer was busy, not because of your code. It is running once more with more time; this does not count against you."
      : "Python stopped for a reason that is not your code; running it once more. This does not count against you.";
    status(text);
    // Results say it too, where the learner is looking while the check runs again.
    $("verdict-summary").append(el("p", "rerun-note", text));
  },
  onFailed: (message) => {
    runtimeReady = false;
    for (const li of $("runner-steps").children) if (li.dataset.state === "active") li.dataset.state = "failed";
    status(`Python could not start in this browser: ${message}. Reload the page to try again; if it keeps failing, tell your instructor.`);
  },
});
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

// The hops a failing request (or deploy) went through, from grading.traces: an ordered list the
// page draws as a row, the failing hop marked in words (not only by colour), its line a button.
let traceCount = 0;
function renderTrace(trace) {
  const box = el("div", "trace");
  const titles = { deploy: "What the deploy did: ", start: "What starts: " };
  const title = el("p", "trace-title", titles[trace.kind] || "Where the request went: ");
  title.id = `trace-${++traceCount}`;
  title.append(el("code", "", trace.subject));
  const list = el("ol", "trace-hops");
  list.setAttribute("aria-labelledby", title.id);
  for (const hop of trace.hops || []) {
    const item = el("li", hop.failed ? "hop hop-failed" : "hop");
    const card = el("div", "hop-card");
    if (hop.failed) {
      item.setAttribute("aria-current", "step");
      card.append(el("span", "hop-mark", "✗ Fails here: "));
    }
    card.append(el("span", "hop-label", hop.label));
    if (hop.detail) card.append(el("span", "hop-detail", hop.detail));
    const line = /^(\S+) line (\d+)$/.exec(hop.where || "");
    if (line && editor.files()[line[1]] !== undefined) {
      const jump = el("button", "link-button hop-where", hop.where);
      jump.type = "button";
      jump.addEventListener("click", () => { editor.reveal(line[1], Number(line[2])); renderTabs(); });
      card.append(jump);
    } else if (hop.where) {
      card.append(el("span", "hop-where", hop.where));
    }
    item.append(card);
    list.append(item);
  }
  box.append(title, list);
  return box;
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
  if (verdict.status === "aborted" && verdict.cause === "busy") {
    headline = "The computer was too busy to give your code a fair run, twice. This does not count against you; press the button again when fewer programs are running.";
  } else if (verdict.status === "aborted") {
    headline = "Python stopped before your code could finish. This does not count as an attempt; press the button again.";
  } else if (verdict.status === "timeout") {
    headline = verdict.stopped_by === "learner" ? "Stopped by you." : "Stopped: the time limit was reached.";
  } else if (mode === "run") {
    headline = verdict.status === "passed" ? "Ran without errors." : "Your code raised an error.";
  } else if (verdict.status === "passed") {
    headline = `All ${verdict.total} tests passed.`;
  } else if (verdict.status === "failed") {
    headline = `${verdict.passed} of ${verdict.total} tests passed. Read the first failure below, change one thing, and check again.`;
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
    if (test.trace && test.outcome !== "passed") item.append(renderTrace(test.trace));
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
    const { status: code, body } = await api(data.attempt_url.replace("ATTEMPT_ID", encodeURIComponent(id)), null, "GET");
    if (!ok(code) || !body?.files) { notice(`That attempt could not be loaded: ${problemText(code, body)}. Your code in the editor is unchanged.`); return; }
    files = body.files;
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
const cards = new Cards($("card-area"), { post: api, onStatus: notice });
let planPending = false;
let solved = Boolean(data.solved);

// Where keyboard focus goes when a card closes: the next thing the learner will use.
// Only when focus was lost with the card: a learner typing in the editor stays there.
function focusLost() {
  const active = document.activeElement;
  return !active || active === document.body || Boolean(active.disabled) || Object.values(buttons).includes(active);
}
function focusEditor() { if (focusLost()) editor.view.focus(); }
function focusResult() { if (focusLost() || $("verdict-summary").contains(document.activeElement)) $("verdict-summary").focus(); }

async function beforeCheck(files) {
  if (planPending) { // pressing Check answers the plan card: what was typed is saved, else a skip
    planPending = false;
    await cards.answerOpenForm();
  }
  for (let round = 0; round < 2; round++) {
    const decision = await frictionAt("before_check", files);
    if (!decision) return;
    if (decision.reflect) {
      status("A short reflection first: the failure it asks about is under Results.");
      await cards.reflection(exercise.id);
      focusResult();
      hints.refresh();
      continue;
    }
    if (decision.wait_seconds > 0) {
      status("Waiting a moment before the check. You can keep editing: the check runs the code as it is when the wait ends.");
      await cards.cooldown(exercise.id, decision.wait_seconds, decision.wait_reason);
      focusResult();
    }
    return;
  }
}

// F8: the reference, fetched once after the first pass and kept for the "Compare" box.
let referenceAnswer = null;
async function loadReference() {
  if (!referenceAnswer || referenceAnswer.status !== 200) {
    referenceAnswer = await api(`/api/exercises/${encodeURIComponent(exercise.id)}/reference`, null, "GET");
  }
  return referenceAnswer;
}
$("reference-box").addEventListener("toggle", async (event) => {
  if (!event.target.open) return;
  $("reference-status").textContent = "Loading the reference…";
  const { status: code, body } = await loadReference();
  if (code === 200) {
    compareFiles($("reference-files"), editor.files(), body.files);
    $("reference-status").textContent = "Your code as it is now, beside the reference.";
  } else {
    $("reference-status").textContent = `The reference could not be loaded: ${problemText(code, body)}. Close and open this again to retry.`;
  }
});

function showSolved(reference) {
  $("solved-state").hidden = false;
  $("reference-box").hidden = false;
  if (reference.status === 200 && reference.body.actual_tries) {
    const n = reference.body.actual_tries;
    $("solved-detail").textContent = `in ${n} check${n === 1 ? "" : "s"}.`;
  }
}

async function afterCheck(verdict, files) {
  if (verdict.status === "passed") {
    hints.refresh(); // after a pass every hint is open
    if (solved) return; // the success card is for the first pass only
    solved = true;
    const reference = await loadReference();
    showSolved(reference);
    await cards.success(exercise.id, null, files, reference);
    if (focusLost()) $("next-link").focus();
    return;
  }
  hints.refresh();
  const decision = await frictionAt("after_check");
  if (decision && decision.offer_break) {
    await cards.breakOffer(exercise.id, decision.break_minutes, decision);
    focusEditor();
  }
}

async function onOpen() {
  const decision = await frictionAt("open");
  if (!decision) return;
  // Cards on opening arrive when the server answers; a learner already typing keeps the focus.
  const takeFocus = !document.activeElement?.closest?.(".cm-editor");
  if (decision.reentry) {
    await cards.reentry(exercise.id, decision.last_thought, { takeFocus });
    focusEditor();
  } else if (decision.plan) {
    planPending = true;
    const answer = cards.plan(exercise.id, decision.predict, { takeFocus });
    answer.then((how) => { planPending = false; if (how !== "by-check") focusEditor(); });
  }
}

// ---------- run and check ----------
// After a check, focus lands on the result, unless the learner has moved on (typing in the
// editor, say): Check is disabled while it runs, which would otherwise drop focus to <body>.

// body[data-check] says where a Check or Run is ("running" until its cards are answered, then
// "done"), so tests and tools can wait for the end instead of guessing a time.
async function check(mode) {
  if (running || !runner) return;
  document.body.dataset.check = "running";
  try {
    await runCheck(mode);
  } finally {
    document.body.dataset.check = "done";
  }
}

async function runCheck(mode) {
  running = true;
  notice("");
  stopRequested = false;
  updateButtons();
  if (mode === "check") await beforeCheck(editor.files());
  // Read the files only now: whatever was edited while a card was open is what gets checked.
  const files = editor.files();
  // Results keep the last failure while a card asks about it; only now is it replaced.
  showRunning(mode);
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
      focusResult();
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
  focusResult();
  status(verdict.status === "passed" && mode === "check" ? "Well done: every test passes."
    : verdict.status === "timeout" || verdict.status === "aborted" ? ""
      : `Finished in ${(durationMs / 1000).toFixed(2)} s.`);
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
  // An aborted check was not the learner's: no friction card follows it.
  if (mode === "check" && verdict.status !== "aborted") await afterCheck(verdict, files);
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
if (data.tutor_url) { // a server without an AI tutor leaves the panel out (and asks nothing)
  const tutor = new TutorPanel({ url: data.tutor_url, api, root: $("tutor-panel") });
  document.addEventListener("hints:changed", () => tutor.refresh()); // a level may have opened
  tutor.refresh();
}

queue.flush().then(onOpen);
window.frictionLab = { runner, editor, queue, cards };
