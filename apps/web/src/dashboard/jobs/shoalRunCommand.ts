import type { JobView } from "@shoal/client";
import { DEFAULTS, durationText } from "@shoal/protocol";
import { budgetText, splitText } from "./parseJobForm.ts";

/**
 * The `shoal run` command that computes a submitted job on one machine (for the same answer the
 * grid gives), given the file names the author keeps the script and data under.
 */
export function shoalRunCommand(spec: JobView["spec"], script: string, data: string): string {
  const parts = ["npx shoal run", quote(script), "--data", quote(data)];
  for (const [name, values] of Object.entries(spec.params)) parts.push("--param", quote(`${name}=${values.join(",")}`));
  if (spec.split.kind !== "none") parts.push("--split", splitText(spec.split));
  if (spec.halo > 0) parts.push("--halo", String(spec.halo));
  if (spec.batchSize !== DEFAULTS.batchSize) parts.push("--batch", String(spec.batchSize));
  if (spec.engine !== "fengari") parts.push("--engine", spec.engine);
  if (spec.budget !== DEFAULTS.budget) parts.push("--budget", budgetText(spec.budget));
  if (spec.deadlineMs !== undefined) parts.push("--deadline", durationText(spec.deadlineMs));
  if (spec.seed !== 0) parts.push("--seed", String(spec.seed));
  return parts.join(" ");
}

/** Single-quotes a shell word unless it is plainly safe. */
function quote(word: string): string {
  return /^[\w.,=/:+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
