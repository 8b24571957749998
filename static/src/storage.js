// Keys for what the exercise page keeps in localStorage (drafts, the offline attempt queue).
//
// Each key carries the signed-in learner's storage scope (an opaque value from the server,
// the same at every login of that account, different for every other account), so on a shared
// school laptop learner B never loads learner A's draft nor sends A's queued attempts as B's.
// Logging out also clears the site's storage (the server sends Clear-Site-Data).
export function learnerKey(scope, name) {
  if (!scope) throw new Error("no storage scope: the page must come from a signed-in session");
  return `friction:${scope}:${name}`;
}
