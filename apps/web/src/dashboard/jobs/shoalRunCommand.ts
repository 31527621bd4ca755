import type { JobView } from "@shoal/client";
import { splitText } from "./parseJobForm.ts";

/**
 * The `shoal run` command that computes a submitted job on one machine (for the same answer the
 * grid gives), given the file names the author keeps the script and data under.
 */
export function shoalRunCommand(spec: JobView["spec"], script: string, data: string): string {
  const parts = ["npx shoal run", quote(script), "--data", quote(data)];
  for (const [name, values] of Object.entries(spec.params)) parts.push("--param", quote(`${name}=${values.join(",")}`));
  if (spec.split.kind !== "none") parts.push("--split", splitText(spec.split));
  if (spec.halo > 0) parts.push("--halo", String(spec.halo));
  if (spec.engine !== "fengari") parts.push("--engine", spec.engine);
  return parts.join(" ");
}

/** Single-quotes a shell word unless it is plainly safe. */
function quote(word: string): string {
  return /^[\w.,=/:+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
