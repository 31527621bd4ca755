import type { Json } from "@shoal/protocol";

/**
 * TEST ONLY: a plausible but wrong copy of a result — every number nudged, every string
 * suffixed — so a lying volunteer's answers keep their shape and still lose every quorum.
 */
export function corruptJson(value: Json): Json {
  if (typeof value === "number") return Number.isInteger(value) ? value + 1 : value * 1.001 + 1e-6;
  if (typeof value === "string") return `${value}~`;
  if (typeof value === "boolean") return !value;
  if (value === null) return 0;
  if (Array.isArray(value)) return value.length === 0 ? [null] : value.map(corruptJson);
  const entries = Object.entries(value);
  if (entries.length === 0) return { lie: true };
  return Object.fromEntries(entries.map(([key, item]) => [key, corruptJson(item)]));
}
