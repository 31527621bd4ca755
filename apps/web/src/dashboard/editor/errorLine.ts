import type { Extension } from "@codemirror/state";
import { RangeSet, StateEffect, StateField } from "@codemirror/state";
import type { DecorationSet } from "@codemirror/view";
import { Decoration, EditorView, gutterLineClass, GutterMarker } from "@codemirror/view";

/** Marks one line (1-based) as the error's, or clears the mark with null. */
export const setErrorLine = StateEffect.define<number | null>();

class ErrorGutterMarker extends GutterMarker {
  override elementClass = "cm-errorGutter";
}
const gutterMarker = new ErrorGutterMarker();

const errorLineField = StateField.define<{ line: number | null; decorations: DecorationSet; gutter: RangeSet<GutterMarker> }>({
  create: () => ({ line: null, decorations: Decoration.none, gutter: RangeSet.empty }),
  update(value, transaction) {
    let line = value.line;
    for (const effect of transaction.effects) if (effect.is(setErrorLine)) line = effect.value;
    if (line !== null && transaction.docChanged && line === value.line) line = null;
    if (line === value.line && !transaction.docChanged) return value;
    if (line === null || line < 1 || line > transaction.state.doc.lines) return { line: null, decorations: Decoration.none, gutter: RangeSet.empty };
    const from = transaction.state.doc.line(line).from;
    const decoration = Decoration.line({ class: "cm-errorLine", attributes: { "data-error-line": String(line) } });
    return { line, decorations: Decoration.set([decoration.range(from)]), gutter: RangeSet.of([gutterMarker.range(from)]) };
  },
  provide: (field) => [EditorView.decorations.from(field, (value) => value.decorations), gutterLineClass.from(field, (value) => value.gutter)],
});

/** The extension that shows the line {@link setErrorLine} names, until the text is edited. */
export function errorLine(): Extension {
  return errorLineField;
}
