// The code editor: CodeMirror 6 with Python, YAML and Dockerfile highlighting, line numbers,
// and Ctrl/Cmd-Enter to check. One EditorState per file; tabs swap them.
import { basicSetup } from "codemirror";
import { EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { StreamLanguage, indentUnit } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { yaml } from "@codemirror/lang-yaml";
import { dockerFile } from "@codemirror/legacy-modes/mode/dockerfile";

export function languageFor(name) {
  const base = name.split("/").pop().toLowerCase();
  if (base.endsWith(".py")) return python();
  if (base.endsWith(".yaml") || base.endsWith(".yml")) return yaml();
  if (base === "dockerfile" || base.startsWith("dockerfile.") || base.endsWith(".dockerfile")) {
    return StreamLanguage.define(dockerFile);
  }
  return [];
}

export class MultiFileEditor {
  constructor(parent, { files, readonly = {}, nonce = "", onChange, onSubmit }) {
    this.states = new Map();
    this.readonlyNames = new Set(Object.keys(readonly));
    this.onChange = onChange;
    // Highest precedence: the default keymap binds Mod-Enter to "insert blank line".
    const submitKeys = Prec.highest(keymap.of([
      { key: "Mod-Enter", preventDefault: true, run: () => { onSubmit(); return true; } },
    ]));
    this.extensionsFor = (name) => [
      basicSetup,
      submitKeys,
      keymap.of([indentWithTab]),
      indentUnit.of("    "),
      EditorView.lineWrapping, // long YAML comments and prompts stay readable on a laptop
      languageFor(name),
      EditorView.cspNonce.of(nonce),
      EditorState.readOnly.of(this.readonlyNames.has(name)),
      EditorView.editable.of(!this.readonlyNames.has(name)),
      EditorView.contentAttributes.of({ "aria-label": `Editor for ${name}` }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged && !this.readonlyNames.has(name)) this.onChange(name, u.state.doc.toString());
      }),
    ];
    for (const [name, text] of Object.entries({ ...files, ...readonly })) {
      this.states.set(name, EditorState.create({ doc: text, extensions: this.extensionsFor(name) }));
    }
    this.current = Object.keys(files)[0];
    this.view = new EditorView({ state: this.states.get(this.current), parent });
  }

  names() { return [...this.states.keys()]; }
  isReadonly(name) { return this.readonlyNames.has(name); }

  show(name) {
    if (name === this.current) return;
    this.states.set(this.current, this.view.state);
    this.current = name;
    this.view.setState(this.states.get(name));
  }

  // The learner's editable files, as {name: text}.
  files() {
    this.states.set(this.current, this.view.state);
    const out = {};
    for (const [name, state] of this.states) {
      if (!this.readonlyNames.has(name)) out[name] = state.doc.toString();
    }
    return out;
  }

  setFiles(files) {
    this.states.set(this.current, this.view.state);
    for (const [name, text] of Object.entries(files)) {
      if (!this.states.has(name) || this.readonlyNames.has(name)) continue;
      this.states.set(name, EditorState.create({ doc: text, extensions: this.extensionsFor(name) }));
    }
    this.view.setState(this.states.get(this.current));
  }

  // Jump to a line of a file (from a test message) and put the cursor there.
  reveal(name, line) {
    if (!this.states.has(name)) return;
    this.show(name);
    const doc = this.view.state.doc;
    const target = doc.line(Math.min(Math.max(1, line), doc.lines));
    this.view.dispatch({ selection: { anchor: target.from }, scrollIntoView: true });
    this.view.focus();
  }

  focus() { this.view.focus(); }
}
