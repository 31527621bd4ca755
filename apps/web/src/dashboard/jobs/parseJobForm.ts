import type { ParamGrid, ParamValue, SplitSpec } from "@shoal/protocol";
import { parseDuration } from "@shoal/protocol";

/** What the new-job form holds, as text. */
export interface JobFormText {
  /** One `name=v1,v2,...` per line; blank lines ignored. */
  params: string;
  /** `none`, `rows=N` or `window=DURATION` (e.g. `365d`). */
  split: string;
  halo: string;
}

/** The parsed form, or the first problem in words. */
export type JobFormResult = { ok: true; params: ParamGrid; split: SplitSpec; halo: number } | { ok: false; error: string };

/**
 * Parses the new-job form the way `shoal run` parses its flags (`--param fast=5,10`,
 * `--split rows=500`, `--halo 250`), so a grid job and a local run of the same text agree.
 */
export function parseJobForm(form: JobFormText): JobFormResult {
  const params: ParamGrid = {};
  for (const [index, raw] of form.params.split("\n").entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const eq = line.indexOf("=");
    const name = line.slice(0, eq).trim();
    if (eq <= 0 || eq === line.length - 1) return { ok: false, error: `parameter line ${index + 1}: expected NAME=V1,V2,...` };
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { ok: false, error: `parameter line ${index + 1}: ${JSON.stringify(name)} is not a Lua identifier` };
    if (Object.hasOwn(params, name)) return { ok: false, error: `parameter ${name} is given twice` };
    params[name] = line.slice(eq + 1).split(",").map(parseValue);
  }
  const split = parseSplit(form.split.trim());
  if (typeof split === "string") return { ok: false, error: split };
  const halo = Number(form.halo.trim() || "0");
  if (!Number.isSafeInteger(halo) || halo < 0) return { ok: false, error: `halo ${JSON.stringify(form.halo)}: expected a whole number of rows ≥ 0` };
  return { ok: true, params, split, halo };
}

/** The form text of a submitted job's options, e.g. to show them again or to rerun. */
export function splitText(split: SplitSpec): string {
  if (split.kind === "rows") return `rows=${split.rows}`;
  if (split.kind === "window") return `window=${split.ms % 86_400_000 === 0 ? `${split.ms / 86_400_000}d` : `${split.ms}ms`}`;
  return "none";
}

function parseValue(text: string): ParamValue {
  const trimmed = text.trim();
  if (trimmed !== "" && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return trimmed;
}

function parseSplit(text: string): SplitSpec | string {
  if (text === "" || text === "none") return { kind: "none" };
  const [kind, value] = text.split("=", 2);
  if (kind === "rows" && value !== undefined) {
    const rows = Number(value);
    return Number.isSafeInteger(rows) && rows >= 1 ? { kind: "rows", rows } : `split rows=${value}: expected a whole number ≥ 1`;
  }
  if (kind === "window" && value !== undefined) {
    try {
      return { kind: "window", ms: parseDuration(value) };
    } catch (error) {
      return `split window: ${(error as Error).message}`;
    }
  }
  return `split ${JSON.stringify(text)}: expected none, rows=N or window=DURATION (e.g. window=365d)`;
}
