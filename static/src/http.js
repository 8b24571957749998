// JSON calls to the server from the exercise page. A call never throws: it answers
// {status, body}, with status 0 when the server could not be reached, so every caller can say
// what went wrong in words and keep what the learner typed.
export function makeApi(csrfToken) {
  return async function api(url, body = null, method = "POST") {
    try {
      const response = await fetch(url, {
        method,
        credentials: "same-origin",
        headers: method === "POST" ? { "Content-Type": "application/json", "X-CSRFToken": csrfToken } : {},
        body: method === "POST" ? JSON.stringify(body ?? {}) : undefined,
      });
      let reply = null;
      try { reply = await response.json(); } catch { /* an HTML error page from a proxy */ }
      return { status: response.status, body: reply };
    } catch {
      return { status: 0, body: null }; // offline
    }
  };
}

export function ok(status) { return status >= 200 && status < 300; }

// What went wrong, for a person: the server's own message when it sent one.
export function problemText(status, body) {
  if (status === 0) return "the server could not be reached (are you offline?)";
  if (status === 401) return "you are signed out; log in again in another tab";
  if (body && typeof body.message === "string" && body.message.trim()) return body.message.trim().replace(/[.\s]+$/, "");
  if (status === 429) return "too many requests; wait a moment";
  if (status >= 500) return `the server had a problem (HTTP ${status})`;
  return `the server refused it (HTTP ${status})`;
}
