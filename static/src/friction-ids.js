// The friction rule and action ids (F0-F9, "shown", "kept_going", ...) as the server defines them
// in app/friction/rules.py: the page reads them from its page data instead of keeping copies of
// the strings. A name the server does not know throws, so a renamed id fails loudly.
let ids = null;

function table(kind) {
  ids ??= JSON.parse(document.getElementById("page-data").textContent).friction;
  return ids[kind];
}

function strict(kind) {
  return new Proxy({}, {
    get(_, name) {
      const known = table(kind);
      if (typeof name !== "string" || !Object.hasOwn(known, name)) throw new Error(`unknown friction ${kind} name: ${String(name)}`);
      return known[name];
    },
  });
}

export const RULE = strict("rules");
export const ACTION = strict("actions");
