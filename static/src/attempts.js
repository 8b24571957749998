// Sends each Run/Check to the server. If the server cannot be reached the attempt waits in
// localStorage and is sent when it is back: the client-generated id makes a resend harmless.
const RETRY_MS = 15000;

export class AttemptQueue {
  constructor({ url, csrfToken, storageKey, onChange = () => {}, onStored = () => {}, onRejected = () => {}, onAuthNeeded = () => {} }) {
    Object.assign(this, { url, csrfToken, storageKey, onChange, onStored, onRejected, onAuthNeeded });
    this.flushing = false;
    window.addEventListener("online", () => this.flush());
    setInterval(() => this.flush(), RETRY_MS);
  }

  load() {
    try { return JSON.parse(localStorage.getItem(this.storageKey) || "[]"); } catch { return []; }
  }

  save(items) {
    localStorage.setItem(this.storageKey, JSON.stringify(items));
    this.onChange(items.length);
  }

  pending() { return this.load().length; }

  enqueue(attempt) {
    const items = this.load();
    if (!items.some((a) => a.id === attempt.id)) items.push(attempt);
    this.save(items);
    return this.flush();
  }

  async send(attempt) {
    const response = await fetch(this.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrfToken },
      body: JSON.stringify(attempt),
    });
    let body = null;
    try { body = await response.json(); } catch { /* an HTML error page from a proxy */ }
    return { status: response.status, body };
  }

  async flush() {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (const attempt of this.load()) {
        let result;
        try {
          result = await this.send(attempt);
        } catch {
          break; // network down: keep everything, try again later
        }
        if (result.status === 401) { this.onAuthNeeded(); break; } // keep it until they log in again
        if (result.status >= 500 || result.status === 429 || result.status === 408) break;
        this.save(this.load().filter((a) => a.id !== attempt.id));
        if (result.status === 200 || result.status === 201) this.onStored(result.body.attempt, attempt);
        else this.onRejected(attempt, (result.body && result.body.message) || `HTTP ${result.status}`);
      }
    } finally {
      this.flushing = false;
      this.onChange(this.pending());
    }
  }
}
