// The code editor: CodeMirror 6 with Python, YAML and Dockerfile highlighting, line numbers,
// and Ctrl/Cmd-Enter to check. One EditorState per file; tabs swap them.
import { basicSetup } from "codemirror";
import { EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { HighlightStyle, StreamLanguage, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { tags as t } from "@lezer/highlight";
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

// CodeMirror's default colours, with the two that fall under 4.5:1 on white (#e40 for escapes
// and regexps, #f00 for invalid code) darkened: code must be readable for low-vision learners.
const readableHighlighting = HighlightStyle.define([
  { tag: t.meta, color: "#404740" },
  { tag: t.link, textDecoration: "underline" },
  { tag: t.heading, textDecoration: "underline", fontWeight: "bold" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strong, fontWeight: "bold" },
  { tag: t.strikethrough, textDecoration: "line-through" },
  { tag: t.keyword, color: "#708" },
  { tag: [t.atom, t.bool, t.url, t.contentSeparator, t.labelName], color: "#219" },
  { tag: [t.literal, t.inserted], color: "#164" },
  { tag: [t.string, t.deleted], color: "#a11" },
  { tag: [t.regexp, t.escape, t.special(t.string)], color: "#b33000" },
  { tag: t.definition(t.variableName), color: "#00f" },
  { tag: t.local(t.variableName), color: "#30a" },
  { tag: [t.typeName, t.namespace], color: "#07704a" },
  { tag: t.className, color: "#167" },
  { tag: [t.special(t.variableName), t.macroName], color: "#256" },
  { tag: t.definition(t.propertyName), color: "#00c" },
  { tag: t.comment, color: "#8a3d00" },
  { tag: t.invalid, color: "#c00" },
]);

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
      syntaxHighlighting(readableHighlighting), // replaces basicSetup's fallback style
      submitKeys,
      keymap.of([indentWithTab]),
      indentUnit.of("    "),
      EditorView.lineWrapping, // long YAML comments and prompts stay readable on a laptop
      languageFor(name),
      EditorView.cspNonce.of(nonce),
      EditorState.readOnly.of(this.readonlyNames.has(name)),
      EditorView.editable.of(!this.readonlyNames.has(name)),
      // tabindex: the scrolling editor is reachable by keyboard even for a read-only file.
      EditorView.contentAttributes.of({ "aria-label": `Editor for ${name}`, tabindex: "0" }),
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
