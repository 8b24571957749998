// The hint ladder (F3-F5): hints come from the server only once effort has unlocked them; asking
// takes one line about what was tried. The last level is the bottom-out: explain it back.
// Whatever the server answers, the learner's line stays where they typed it until it is stored.
import { ok, problemText } from "./http.js";
import { ACTION, RULE } from "./friction-ids.js";
export class HintLadder {
  constructor({ exerciseId, api, list, form, input, button, statusLine }) {
    Object.assign(this, { exerciseId, api, list, form, input, button, statusLine });
    this.url = `/api/exercises/${encodeURIComponent(exerciseId)}/hints`;
    this.shown = 0;
    form.addEventListener("submit", (event) => { event.preventDefault(); this.ask(); });
  }

  async refresh() {
    const { status, body } = await this.api(this.url, null, "GET");
    if (status === 200) this.render(body);
    else this.statusLine.textContent = `The hints could not be loaded: ${problemText(status, body)}. Reload the page to try again.`;
  }

  render(state) {
    for (const hint of state.revealed.slice(this.shown)) {
      const item = document.createElement("li");
      item.className = "hint";
      const heading = document.createElement("h3");
      heading.textContent = `Hint ${hint.level} of ${state.levels}${hint.bottom_out ? " (the last one)" : ""}`;
      const body = document.createElement("div");
      body.className = "prose";
      body.innerHTML = hint.html; // rendered and sanitised on the server
      item.append(heading, body);
      if (hint.bottom_out) item.append(this.explainForm());
      this.list.append(item);
    }
    this.shown = state.revealed.length;
    this.form.hidden = !state.next_level || !state.available;
    this.button.textContent = state.next_level ? `Show hint ${state.next_level} of ${state.levels}` : "";
    this.statusLine.textContent = state.next_level && !state.available ? state.reason : "";
    document.dispatchEvent(new CustomEvent("hints:changed", { detail: state })); // the tutor panel listens
  }

  async ask() {
    const stuck = this.input.value.trim();
    if (!stuck) { this.statusLine.textContent = "Say in one line what you tried or where you are stuck, then ask."; this.input.focus(); return; }
    const level = Number(this.button.textContent.match(/\d+/)[0]);
    const { status, body } = await this.api(this.url, { level, stuck_text: stuck });
    if (ok(status)) {
      this.input.value = "";
      this.render(body);
      // Focus the new hint's heading, so keyboard and screen-reader users land on what they asked for.
      const heading = this.list.lastElementChild?.querySelector("h3");
      if (heading) { heading.tabIndex = -1; heading.focus(); }
    } else {
      this.statusLine.textContent = `The hint could not be shown: ${problemText(status, body)}.`;
      this.input.focus();
    }
  }

  explainForm() {
    const form = document.createElement("form");
    form.className = "hint-form";
    const id = "bottom-out-explanation";
    form.innerHTML = `<label for="${id}">In one sentence: why does this work?</label><input id="${id}" type="text" maxlength="300" required><p class="card-error" role="alert"></p><button type="submit" class="button button-secondary">Save</button>`;
    const input = form.querySelector("input");
    const error = form.querySelector(".card-error");
    const button = form.querySelector("button");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) { error.textContent = "Write one sentence first."; input.focus(); return; }
      button.disabled = true;
      const { status, body } = await this.api("/api/friction-events", { exercise_id: this.exerciseId, rule: RULE.BOTTOM_OUT, action: ACTION.EXPLAINED, details: { explanation: text } });
      button.disabled = false;
      if (!ok(status)) { // keep the sentence in its field and say why it was not saved
        error.textContent = `Not saved: ${problemText(status, body)}. Your sentence is still here; try again.`;
        input.focus();
        return;
      }
      const saved = Object.assign(document.createElement("p"), { className: "help", textContent: `Your explanation: ${text}`, tabIndex: -1 });
      form.replaceWith(saved);
      saved.focus();
    });
    return form;
  }
}
