/** A job template: an example script with the run options its header comment shows. */
export interface JobTemplate {
  /** File name without `.lua`, e.g. `sma-crossover`. */
  id: string;
  /** The header's first sentence, e.g. `SMA-crossover sweep`. */
  title: string;
  /** The rest of the header's first paragraph. */
  description: string;
  script: string;
  /** Parameter lines as the form takes them: `fast=5,10,20`. */
  params: string[];
  /** `rows=500`, `window=365d`, or `none`. */
  split: string;
  halo: number;
}

/**
 * Reads a template from an example script: the title and description from the leading `--`
 * comment, and `--param`, `--split` and `--halo` from the `shoal run` line it shows.
 */
export function parseTemplate(id: string, script: string): JobTemplate {
  const header: string[] = [];
  for (const line of script.split("\n")) {
    if (!line.startsWith("--")) break;
    header.push(line.replace(/^--\s?/, ""));
  }
  const blank = header.findIndex((line) => line.trim() === "");
  const paragraph = (blank < 0 ? header : header.slice(0, blank)).join(" ").replace(/\s+/g, " ").trim();
  const colon = paragraph.search(/[:.]\s/);
  const title = colon < 0 ? paragraph || id : paragraph.slice(0, colon);
  const description = colon < 0 ? "" : paragraph.slice(colon + 1).trim().replaceAll("`", "");
  const text = header.join(" ");
  const params = [...text.matchAll(/--param\s+(\S+=\S+)/g)].map((match) => match[1]!);
  const split = /--split\s+((?:rows|window)=\S+)/.exec(text)?.[1] ?? "none";
  const halo = Number(/--halo\s+(\d+)/.exec(text)?.[1] ?? 0);
  return { id, title, description, script, params, split, halo };
}
