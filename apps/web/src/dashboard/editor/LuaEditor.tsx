import { useEffect, useRef } from "react";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, indentOnInput, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { lua } from "@codemirror/legacy-modes/mode/lua";
import { EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { errorLine, setErrorLine } from "./errorLine.ts";

interface LuaEditorProps {
  value: string;
  onChange?: (value: string) => void;
  readOnly?: boolean;
  /** The 1-based line to mark as the error's (its gutter and background turn red), if any. */
  errorAt?: number | undefined;
  label: string;
}

/** A CodeMirror 6 editor for a job's Lua, with line numbers and the error line marked. */
export function LuaEditor({ value, onChange, readOnly = false, errorAt, label }: LuaEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  /** True while `value` is copied in from outside, which is no edit of the author's. */
  const syncing = useRef(false);

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          StreamLanguage.define(lua),
          syntaxHighlighting(defaultHighlightStyle),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          errorLine(),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !syncing.current) changed.current?.(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor is made once; value and errorAt changes are dispatched below.
  }, [readOnly, label]);

  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === value) return;
    syncing.current = true;
    try {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    } finally {
      syncing.current = false;
    }
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    editor.dispatch({ effects: setErrorLine.of(errorAt ?? null) });
    if (errorAt !== undefined && errorAt >= 1 && errorAt <= editor.state.doc.lines) {
      editor.dispatch({ effects: EditorView.scrollIntoView(editor.state.doc.line(errorAt).from, { y: "center" }) });
    }
  }, [errorAt, value]);

  return <div className="editor" ref={host} data-testid="lua-editor" />;
}
