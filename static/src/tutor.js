// The AI tutor panel in the hint section: present only when the server has a tutor (its state
// URL answers), open once the hint ladder's first level is unlocked. A question goes in two real
// steps (the server reads the code and the failing check, then the tutor writes a question), so
// the named steps show actual progress. "What the tutor saw" shows the exact context sent (the
// reference solution withheld) and every guard result. A service failure never blocks the hints.

const STEPS = [
  ["reading", "Reading your code"],
  ["failing", "Looking at the failing check"],
  ["writing", "Writing a question"],
];

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export class TutorPanel {
  constructor({ url, api, root }) {
    Object.assign(this, { url, api, root });
    this.busy = false;
    this.timer = null;
    this.build();
  }

  build() {
    const heading = el("h3", "tutor-title", "Ask the tutor");
    heading.id = "tutor-title";
    this.root.setAttribute("aria-labelledby", heading.id);
    const help = el("p", "help", "The tutor answers with a question, not with the answer. It sees your last checked code, its failing tests, your last reflection and your question; every reply is checked before you see it. Your questions and its replies are stored with your data: you can export or delete them.");
    this.form = el("form", "hint-form tutor-form");
    this.form.hidden = true; // until the server says the tutor can be asked
    const label = el("label", null, "Your question to the tutor (one line)");
    label.htmlFor = "tutor-question";
    this.input = el("input");
    Object.assign(this.input, { id: "tutor-question", type: "text", maxLength: 300, required: true });
    this.button = el("button", "button button-secondary", "Ask the tutor");
    this.button.type = "submit";
    this.form.append(label, this.input, this.button);
    this.form.addEventListener("submit", (event) => { event.preventDefault(); this.ask(); });
    this.allowance = el("p", "help tutor-allowance");
    this.allowance.setAttribute("role", "status");
    this.statusLine = el("p", "help tutor-status");
    this.statusLine.setAttribute("role", "status");
    this.statusLine.setAttribute("aria-live", "polite");
    this.steps = el("ol", "steps tutor-steps");
    this.steps.setAttribute("aria-label", "What the tutor is doing");
    this.steps.hidden = true;
    for (const [key, name] of STEPS) {
      const item = el("li", null, name);
      item.dataset.step = key;
      this.steps.append(item);
    }
    this.turns = el("ol", "tutor-turns");
    this.root.append(heading, help, this.form, this.allowance, this.steps, this.statusLine, this.turns);
  }

  async refresh() {
    const { status, body } = await this.api(this.url, null, "GET");
    if (status === 404) { this.root.hidden = true; return; } // no tutor on this server
    if (status !== 200 || !body) return; // offline: keep what is shown
    this.root.hidden = false;
    this.render(body);
  }

  render(state) {
    this.state = state;
    if (!this.busy) this.form.hidden = !state.available;
    const left = `${state.turns_left_today} of ${state.turns_per_day} tutor questions left today.`;
    let why = "";
    if (!state.available) why = state.reason;
    this.allowance.textContent = state.level > 0 ? `${left}${why ? " " + why : ""}` : why;
    clearTimeout(this.timer);
    if (state.cooldown_seconds > 0 && state.level > 0) {
      this.timer = setTimeout(() => this.refresh(), state.cooldown_seconds * 1000 + 500);
    }
    const shownIds = new Set([...this.turns.children].map((n) => n.dataset.turn));
    for (const turn of state.turns) {
      if (!shownIds.has(String(turn.id))) this.turns.append(this.turnItem(turn));
    }
  }

  setStep(key, value) {
    const item = this.steps.querySelector(`[data-step="${key}"]`);
    if (item) item.dataset.state = value;
  }

  async ask() {
    if (this.busy) return;
    const question = this.input.value.trim();
    if (!question) { this.statusLine.textContent = "Write one line: what you tried, or where you are stuck."; this.input.focus(); return; }
    this.busy = true;
    this.button.disabled = true;
    this.statusLine.textContent = "";
    this.steps.hidden = false;
    for (const [key] of STEPS) delete this.steps.querySelector(`[data-step="${key}"]`).dataset.state;
    this.setStep("reading", "active");
    this.setStep("failing", "active");
    try {
      const started = await this.api(`${this.url}/turns`, { question });
      if (started.status !== 201) {
        this.setStep("reading", "failed");
        this.setStep("failing", "failed");
        this.statusLine.textContent = (started.body && started.body.message) || "The tutor service could not be reached. Your hints work as always.";
        return;
      }
      this.setStep("reading", "done");
      this.setStep("failing", "done");
      this.setStep("writing", "active");
      const pending = this.turnItem(started.body); // what the tutor saw, while it writes
      this.turns.append(pending);
      const answered = await this.api(`${this.url}/turns/${started.body.id}/answer`, {});
      const turn = answered.status === 200 && answered.body ? answered.body.turn : null;
      if (!turn) {
        this.setStep("writing", "failed");
        pending.remove();
        this.statusLine.textContent = "The tutor service failed, not you. Your hints work as always.";
        return;
      }
      this.setStep("writing", turn.status === "failed" ? "failed" : "done");
      const item = this.turnItem(turn);
      pending.replaceWith(item);
      if (turn.status !== "failed") this.input.value = ""; // kept for another try after a failure
      this.statusLine.textContent = turn.status === "failed" ? turn.message : "The tutor's question is below.";
      if (answered.body.state) this.render(answered.body.state);
      item.querySelector(".tutor-reply")?.focus();
    } finally {
      this.busy = false;
      this.button.disabled = false;
      if (this.state) this.form.hidden = !this.state.available;
    }
  }

  turnItem(turn) {
    const item = el("li", "tutor-turn");
    item.dataset.turn = String(turn.id);
    item.dataset.status = turn.status;
    item.append(el("p", "tutor-question", `You asked: ${turn.question}`));
    if (turn.status === "pending") {
      item.append(el("p", "help", "The tutor is writing a question…"));
    } else if (turn.status === "failed") {
      item.append(el("p", "tutor-failure", turn.message));
    } else {
      const reply = el("div", "prose tutor-reply");
      reply.tabIndex = -1;
      reply.innerHTML = turn.reply_html; // rendered and sanitised on the server
      const rejected = ((turn.saw && turn.saw.replies) || []).length - 1;
      const from = turn.source === "tutor"
        ? `The tutor (hint level ${turn.level}); this reply passed every check${rejected > 0 ? ` (${rejected === 1 ? "an earlier reply was" : `${rejected} earlier replies were`} rejected)` : ""}.`
        : `Hint ${turn.level} from the exercise: the tutor's replies did not pass the checks, so the authored hint is shown instead.`;
      item.append(el("p", "tutor-source help", from), reply);
    }
    item.append(this.sawDetails(turn));
    return item;
  }

  sawDetails(turn) {
    const details = el("details", "tutor-saw");
    details.append(el("summary", null, "What the tutor saw"));
    const context = turn.saw && turn.saw.context;
    if (context) {
      details.append(el("p", "help", `Model ${context.model}; prompt ${context.prompt_version}. The reference solution was sent marked "never quote"; it is not shown here.`));
      details.append(el("h4", null, "Instructions"), el("pre", "tutor-context", context.system));
      for (const message of context.messages) details.append(el("h4", null, "Sent to the tutor"), el("pre", "tutor-context", message.content));
    }
    const replies = (turn.saw && turn.saw.replies) || [];
    replies.forEach((reply, index) => {
      const accepted = reply.guards.every((g) => !g.hard || g.passed);
      details.append(el("h4", null, `Reply ${index + 1} (${reply.model}): ${accepted ? "shown" : "rejected"}`));
      if (!accepted) details.append(el("p", "help", reply.text));
      const table = el("table", "tutor-guards");
      table.append(el("caption", "visually-hidden", `Guard results for reply ${index + 1}`));
      const head = el("tr");
      for (const name of ["Guard", "Result", "Why"]) { const th = el("th", null, name); th.scope = "col"; head.append(th); }
      table.append(head);
      for (const guard of reply.guards) {
        const row = el("tr");
        row.dataset.guard = guard.id;
        const result = guard.passed ? "pass" : guard.hard ? "fail" : "note";
        const badge = el("span", `badge badge-${guard.passed ? "pass" : guard.hard ? "failed" : "tried"}`, result);
        const cell = el("td"); cell.append(badge);
        row.append(el("th", null, `${guard.id} ${guard.name}`), cell, el("td", null, guard.detail));
        row.firstChild.scope = "row";
        table.append(row);
      }
      details.append(table);
    });
    if (turn.status === "failed") details.append(el("p", "help", "No reply: the service failed before the tutor could write one."));
    return details;
  }
}
