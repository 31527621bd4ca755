import { unsetParams } from "@shoal/protocol";
import { parseJobForm } from "./parseJobForm.ts";

/**
 * Names the script reads as `p.NAME` that the form's parameter lines do not set, as `shoal run`
 * warns of them; none while the lines do not parse (that error is shown instead).
 */
export function unsetParamNames(script: string, paramsText: string): string[] {
  const form = parseJobForm({ params: paramsText, split: "none", halo: "0", batchSize: "", engine: "fengari", budget: "", seed: "", deadline: "" });
  return form.ok ? unsetParams(script, form.params) : [];
}

/** The warning shown by Submit: which names are nil, and how to set one. */
export function unsetParamsText(names: readonly string[]): string {
  const listed = names.map((name) => `p.${name}`).join(", ");
  const one = names.length === 1;
  return `The script reads ${listed}, but ${one ? "it has" : "they have"} no values in Parameters, so ${one ? "it is" : "they are"} nil. Add a line such as ${names[0]}=1,2.`;
}
