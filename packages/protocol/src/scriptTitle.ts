/** Longest title taken from a script, in characters. */
const MAX_TITLE = 80;

/**
 * A job's name read from its script: the text of its first comment line, up to the first ": " or
 * ". " ("-- SMA-crossover sweep: long when…" → "SMA-crossover sweep"), at most 80 characters.
 * Undefined when the script does not open with a comment.
 */
export function scriptTitle(script: string): string | undefined {
  for (const raw of script.split("\n", 50)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#!")) continue;
    if (!line.startsWith("--")) return undefined;
    const text = line.replace(/^--+(\[=*\[)?/, "").replace(/\]=*\]\s*$/, "").trim();
    if (text === "") continue;
    const cut = text.search(/[:.](\s|$)/);
    const title = cut > 0 ? text.slice(0, cut) : text;
    return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title;
  }
  return undefined;
}
