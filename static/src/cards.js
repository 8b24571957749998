// Friction cards (PEDAGOGY.md): plan, failure reflection, cooldown, break, re-entry, success.
// Each card says why it is there, is a real form (keyboard-usable, labelled), never touches the
// editor's code, and resolves a Promise when the learner submits, skips or the wait ends.
// A card never loses what the learner typed: when the server refuses or cannot be reached, the
// card stays open with the text and says why (and a way on, so friction never locks anyone out).
import { ok, problemText } from "./http.js";
import { ACTION, RULE } from "./friction-ids.js";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter(Boolean));
  return node;
}

let fieldCounter = 0;
function field(label, { name, multiline = false, required = false, maxlength = 500, type = "text", help, min, max } = {}) {
  const id = `card-field-${++fieldCounter}`;
  const input = multiline
    ? el("textarea", { id, name, rows: 2, maxlength, required })
    : el("input", { id, name, type, maxlength: type === "text" ? maxlength : null, required, min, max });
  const wrapper = el("div", { class: "field" }, el("label", { for: id, text: label + (required ? "" : " (optional)") }), input);
  if (help) wrapper.append(el("p", { class: "help", text: help }));
  return wrapper;
}

function formData(form) {
  const data = Object.fromEntries(new FormData(form).entries());
  for (const [key, value] of Object.entries(data)) if (typeof value === "string" && value.trim() === "") delete data[key];
  return data;
}

function choice(label, name, options) {
  const fieldset = el("fieldset", { class: "choices" }, el("legend", { text: `${label} (optional)` }));
  for (const [value, text] of options) {
    const id = `card-field-${++fieldCounter}`;
    fieldset.append(el("label", { for: id }, el("input", { id, type: "radio", name, value }), ` ${text}`));
  }
  return fieldset;
}

export class Cards {
  constructor(area, { post, onStatus = () => {} }) {
    this.area = area;
    this.post = post; // (url, body) => Promise<{status, body}>
    this.onStatus = onStatus; // a visible message outside the card (the page's status line)
  }

  // Record a response to a card; a refusal is said, never silent.
  async record(body, what) {
    const { status, body: reply } = await this.post("/api/friction-events", body);
    if (!ok(status)) this.onStatus(`${what} was not recorded: ${problemText(status, reply)}.`);
    return ok(status);
  }

  clear() { this.area.replaceChildren(); this.open = null; }

  // Check was pressed while a form card is open (the plan card): what was typed is saved, an
  // empty card counts as a skip. Either way the card closes and the check goes on.
  async answerOpenForm() {
    const open = this.open;
    if (!open) return;
    const data = formData(open.form);
    let problem = Object.keys(data).length ? await open.onSubmit(data) : null;
    if (problem || !Object.keys(data).length) {
      const typed = Object.values(data).join(" · ");
      if (problem) this.onStatus(`Your answer was not saved (${problem}) — you wrote: “${typed}”.`);
      problem = open.onSkip ? await open.onSkip() : null;
    }
    this.clear();
    open.resolve("by-check");
  }

  // A card with a form; resolves with "submitted" or "skipped".
  form({ title, why, fields, submitLabel, onSubmit, onSkip, skipLabel = "Skip", takeFocus = true }) {
    return new Promise((resolve) => {
      const error = el("p", { class: "card-error", role: "alert" });
      const form = el("form", { class: "card", "aria-labelledby": "card-title", novalidate: true },
        el("h2", { id: "card-title", text: title }),
        el("p", { class: "card-why", text: why }),
        ...fields,
        error,
        el("div", { class: "card-actions" },
          el("button", { type: "submit", class: "button", text: submitLabel }),
          onSkip ? el("button", { type: "button", class: "button button-secondary", "data-skip": true, text: skipLabel }) : null));
      const buttons = () => form.querySelectorAll(".card-actions button");
      const saving = (on) => { for (const b of buttons()) b.disabled = on; };
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const data = formData(form);
        saving(true);
        const problem = await onSubmit(data);
        saving(false);
        if (problem) { error.textContent = problem; return; } // the text stays in the form
        this.clear();
        resolve("submitted");
      });
      const skip = form.querySelector("[data-skip]");
      if (skip) {
        skip.addEventListener("click", async () => {
          saving(true);
          const problem = await onSkip();
          saving(false);
          // A skip that could not be recorded still lets the learner on, and says so.
          if (problem) this.onStatus(`Your skip was not recorded: ${problem}`);
          this.clear();
          resolve("skipped");
        });
      }
      this.area.replaceChildren(form);
      this.open = { form, onSubmit, onSkip, resolve };
      // A card the learner did not ask for (on opening the page) leaves their focus where it
      // is: on a slow machine it may arrive while they type, and keys meant for the code must
      // not land in the card's first field.
      if (takeFocus) form.querySelector("input, textarea, button").focus();
    });
  }

  async saveEntry(body) {
    const { status, body: reply } = await this.post("/api/journal", body);
    if (ok(status)) return null;
    return `Not saved: ${problemText(status, reply)}. Your text is still here: try again, or skip.`;
  }

  plan(exerciseId, predict, { takeFocus = true } = {}) {
    const fields = [
      field("In your own words, what is the goal?", { name: "goal", required: true, multiline: true }),
    ];
    if (predict) fields.push(field(`Predict: ${predict.question}`, { name: "prediction" }));
    fields.push(
      field("How confident are you, 1 (not at all) to 5 (very)?", { name: "confidence", type: "number", min: 1, max: 5 }),
      field("How many checks do you expect to need?", { name: "expected_tries", type: "number", min: 1, max: 100 }),
    );
    return this.form({
      title: "Plan before you start", takeFocus,
      why: "Saying the goal in your own words, and guessing how it will go, makes it easier to notice when you drift.",
      fields, submitLabel: "Save my plan",
      onSubmit: (data) => this.saveEntry({ kind: "plan", exercise_id: exerciseId, ...numbers(data, ["confidence", "expected_tries"]) }),
      onSkip: () => this.saveEntry({ kind: "plan", exercise_id: exerciseId, skipped: true }),
    });
  }

  reflection(exerciseId, attemptId) {
    return this.form({
      title: "Two failed checks in a row: pause for a moment",
      why: "Before the next check, name what is going wrong. Errors are information: what is this one telling you?",
      fields: [
        field("The error, in your own words", { name: "error_in_own_words", required: true, multiline: true }),
        field("Your guess at the cause", { name: "cause_guess", required: true, multiline: true }),
        choice("Where are you stuck?", "stage", [["understand", "understanding the task"], ["plan", "planning"], ["code", "writing code"], ["test", "reading the tests"]]),
        field("What will you change next?", { name: "next_change" }),
      ],
      submitLabel: "Save and check",
      onSubmit: (data) => this.saveEntry({ kind: "after_failure", exercise_id: exerciseId, attempt_id: attemptId, ...data }),
      onSkip: () => this.saveEntry({ kind: "after_failure", exercise_id: exerciseId, attempt_id: attemptId, skipped: true }),
      skipLabel: "Skip and check",
    });
  }

  // F2: the check waits; the learner's code is untouched and the check starts by itself.
  cooldown(exerciseId, seconds, reason) {
    return new Promise((resolve) => {
      const why = reason === "unchanged"
        ? "This is the same code that just failed, so it will fail the same way."
        : "Three quick failed checks in a row: fast retries rarely find the cause.";
      const id = `card-field-${++fieldCounter}`;
      const counter = el("p", { class: "countdown", "aria-live": "polite" });
      const prediction = el("textarea", { id, rows: 2, maxlength: 300 });
      const card = el("section", { class: "card", "aria-labelledby": "card-title" },
        el("h2", { id: "card-title", text: "Predict what will change" }),
        el("p", { class: "card-why", text: `${why} Your check will run by itself when the wait ends.` }),
        el("div", { class: "field" }, el("label", { for: id, text: "What do you expect the next check to show? (optional)" }), prediction),
        counter);
      this.area.replaceChildren(card);
      prediction.focus();
      let left = Math.ceil(seconds);
      const tick = () => {
        counter.textContent = `Checking in ${left} s…`;
        if (left <= 0) {
          clearInterval(timer);
          const text = prediction.value.slice(0, 300);
          this.clear();
          resolve("waited");
          this.record({ exercise_id: exerciseId, rule: RULE.COOLDOWN, action: ACTION.WAITED, details: { prediction: text || null } },
            text ? `Your prediction (“${text}”)` : "The wait");
        }
        left -= 1;
      };
      const timer = setInterval(tick, 1000);
      tick();
    });
  }

  // F6: offered, never imposed; the choice is recorded.
  breakOffer(exerciseId, minutes, { eq, red }) {
    return new Promise((resolve) => {
      const record = (action) => this.record({ exercise_id: exerciseId, rule: RULE.BREAK, action, details: { eq, red, minutes } }, "Your choice");
      const takeBreak = el("button", { type: "button", class: "button", text: `Take a ${minutes}-minute break` });
      const keepGoing = el("button", { type: "button", class: "button button-secondary", text: "Keep going" });
      const card = el("section", { class: "card card-calm", "aria-labelledby": "card-title" },
        el("h2", { id: "card-title", text: "This looks like a hard stretch" }),
        el("p", { class: "card-why", text: "The same kind of error keeps coming back. A short break often helps more than another quick try; your code stays here." }),
        el("div", { class: "card-actions" }, takeBreak, keepGoing));
      this.area.replaceChildren(card);
      takeBreak.focus();
      keepGoing.addEventListener("click", () => { record(ACTION.KEPT_GOING); this.clear(); resolve("kept_going"); });
      takeBreak.addEventListener("click", () => {
        record(ACTION.BREAK_TAKEN);
        let left = minutes * 60;
        const timer = el("p", { class: "break-timer", role: "timer", "aria-live": "off" });
        const back = el("button", { type: "button", class: "button button-secondary", text: "I'm back" });
        const note = field("When you come back, what will you try? (optional)", { name: "text" });
        const error = el("p", { class: "card-error", role: "alert" });
        const actions = el("div", { class: "card-actions" }, back);
        card.replaceChildren(el("h2", { id: "card-title", text: "On a break" }), timer, note, error, actions);
        const show = () => { timer.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} left`; };
        show();
        const interval = setInterval(() => { left = Math.max(0, left - 1); show(); if (left === 0) timer.textContent = "Break over. Welcome back."; }, 1000);
        const done = () => { clearInterval(interval); this.clear(); resolve("break_taken"); };
        back.addEventListener("click", async () => {
          const text = note.querySelector("input").value.trim();
          back.disabled = true;
          const problem = await this.saveEntry({ kind: "break", exercise_id: exerciseId, ...(text ? { text } : { skipped: true }) });
          back.disabled = false;
          if (!problem) { done(); return; }
          error.textContent = problem; // the note stays in its field
          if (!actions.querySelector("[data-continue]")) {
            const onward = el("button", { type: "button", class: "button button-secondary", "data-continue": true, text: "Go on without saving" });
            onward.addEventListener("click", done);
            actions.append(onward);
          }
        });
        back.focus();
      });
    });
  }

  // F7: back after a long pause following a failure.
  reentry(exerciseId, lastThought, { takeFocus = true } = {}) {
    return this.form({
      title: "Welcome back", takeFocus,
      why: lastThought ? `Last time you thought: “${lastThought}”. Is that still true?` : "Last time, your check had failed. Read its message again before you change anything.",
      fields: [field("Still true? What do you think now?", { name: "text", multiline: true })],
      submitLabel: "Save", onSubmit: (data) => this.saveEntry({ kind: "reentry", exercise_id: exerciseId, ...(data.text ? data : { skipped: true }) }),
      onSkip: () => this.saveEntry({ kind: "reentry", exercise_id: exerciseId, skipped: true }),
    });
  }

  // F8: reflect on the success; only now, the reference solution beside the learner's code.
  // `reference` is the answer of GET .../reference ({status, body}); the page keeps it for the
  // "Compare with the reference solution" box that stays after this card closes.
  success(exerciseId, attemptId, myFiles, { status, body }) {
    const compare = el("div", { class: "compare" });
    if (status === 200) compareFiles(compare, myFiles, body.files);
    else compare.append(el("p", { class: "card-error", text: `The reference could not be loaded: ${problemText(status, body)}. It stays under “Compare with the reference solution”; try again there.` }));
    const followUp = status === 200 && body.follow_up
      ? ` You used the last hint, so come back later to “${body.follow_up}” and solve it without hints.`
      : "";
    const calibration = status === 200
      ? (body.expected_tries
        ? `You expected ${body.expected_tries} check${body.expected_tries === 1 ? "" : "s"}; it took ${body.actual_tries}.`
        : `It took ${body.actual_tries} check${body.actual_tries === 1 ? "" : "s"}.`)
      : "";
    return this.form({
      title: "Solved. What worked?",
      why: `${calibration}${followUp} Compare your code with the reference below: what did you do differently, and why?`,
      fields: [
        field("What worked?", { name: "what_worked", required: true, multiline: true }),
        field("Explain the key idea in one line", { name: "explanation" }),
        compare,
      ],
      submitLabel: "Save reflection",
      onSubmit: (data) => this.saveEntry({ kind: "after_success", exercise_id: exerciseId, attempt_id: attemptId, ...data }),
      onSkip: () => this.saveEntry({ kind: "after_success", exercise_id: exerciseId, attempt_id: attemptId, skipped: true }),
    });
  }
}

// The learner's files beside the reference, file by file.
export function compareFiles(container, myFiles, referenceFiles) {
  container.replaceChildren();
  for (const [name, text] of Object.entries(referenceFiles)) {
    container.append(
      // tabindex: a long file scrolls in its box, and keyboard users must be able to scroll it.
      el("figure", {}, el("figcaption", { text: `Your ${name}` }), el("pre", { text: myFiles[name] || "", tabindex: 0 })),
      el("figure", {}, el("figcaption", { text: `Reference ${name}` }), el("pre", { text, tabindex: 0 })));
  }
}

function numbers(data, names) {
  const out = { ...data };
  for (const name of names) if (name in out) out[name] = Number(out[name]);
  return out;
}
