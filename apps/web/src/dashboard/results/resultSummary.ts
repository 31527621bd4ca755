import type { Json } from "@shoal/protocol";

/**
 * The parts of an object result that are not tables (a sweep's `best`, totals), as name and
 * compact JSON, so they are shown beside the tables instead of lost. Empty for other results.
 */
export function resultSummary(result: Json): [string, string][] {
  if (typeof result !== "object" || result === null || Array.isArray(result)) return [];
  return Object.entries(result)
    .filter(([, value]) => !(Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "object" && item !== null && !Array.isArray(item))))
    .map(([name, value]) => [name, JSON.stringify(value)]);
}
