/** A batch of bars to append: a CSV body (the header, then the bars) and the file line of each bar. */
export interface ReplayBatch {
  body: string;
  lines: number[];
}

/** The most bars `shoal replay --batch` sends in one append. */
export const MAX_REPLAY_BATCH = 100_000;

/**
 * Splits a CSV file's text into appends of `batch` bars each, every one headed by the file's
 * header, in file order. A bar is one line: a quoted field spanning lines is refused with its
 * line (it would be cut in two), as is a file with a header and no bars. Blank lines are skipped.
 */
export function replayBatches(text: string, batch: number): ReplayBatch[] {
  const lines = text.split(/\r\n|\n|\r/);
  const header = lines[0] ?? "";
  if (header.trim() === "") throw new Error("line 1: expected the header (the dataset's columns)");
  const bars: { line: number; text: string }[] = [];
  for (const [index, line] of lines.entries()) {
    if ((line.split('"').length - 1) % 2 === 1) throw new Error(`line ${index + 1}: a quoted field spans lines; shoal replay sends one line per bar`);
    if (index > 0 && line.trim() !== "") bars.push({ line: index + 1, text: line });
  }
  if (bars.length === 0) throw new Error("no bars after the header");
  const batches: ReplayBatch[] = [];
  for (let start = 0; start < bars.length; start += batch) {
    const part = bars.slice(start, start + batch);
    batches.push({ body: `${header}\n${part.map((bar) => bar.text).join("\n")}\n`, lines: part.map((bar) => bar.line) });
  }
  return batches;
}

/** The file line of the bar a coordinator's refusal names by its line in the batch's body (the header is line 1). */
export function fileLine(batch: ReplayBatch, bodyLine: number): number | undefined {
  return batch.lines[bodyLine - 2];
}
