// Loaded with --import into the sandboxed re-check runner and each of its worker threads.
//
// Pyodide's NODEFS reads the numbers of open() flags through process.binding("constants"), an
// internal API that Node's permission model refuses; fs.constants holds the same numbers. Every
// other process.binding call is still refused.
import fs from "node:fs";

const refuse = process.binding.bind(process);
process.binding = (name) => (name === "constants" ? { fs: { ...fs.constants } } : refuse(name));

// Signals and native code are not the learner's: the permission model does not cover them.
for (const name of ["kill", "_kill", "dlopen", "abort", "chdir", "setuid", "setgid", "seteuid", "setegid",
  "setgroups", "initgroups"]) {
  if (typeof process[name] === "function") {
    process[name] = () => {
      throw new Error(`process.${name} is not available in the sandbox`);
    };
  }
}
