import type { Json } from "@shoal/protocol";
import { formatDate } from "../components/formatTime.ts";
import { formatCell } from "./formatCell.ts";

/** Keys whose large numbers are epoch milliseconds, shown as dates (as `timeColumns` does for tables). */
const TIME_KEY = /(^|_)(time|date|from|to|start|end|t)$/i;
const EPOCH_MS = 1e11;

/**
 * The parts of an object result that are not tables (a sweep's `best`, totals), as a name and
 * readable text — `fast 10 · slow 100 · sharpe 0.831`, dates for timestamps — so they are shown
 * beside the tables instead of lost. Empty for other results.
 */
export function resultSummary(result: Json): [string, string][] {
  if (typeof result !== "object" || result === null || Array.isArray(result)) return [];
  return Object.entries(result)
    .filter(([, value]) => !(Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "object" && item !== null && !Array.isArray(item))))
    .map(([name, value]) => [name, readable(value, name)]);
}

/** Longest list spelled out item by item; a longer one (an equity curve, say) is its length in words. */
const MAX_LISTED = 8;

function readable(value: Json, key: string): string {
  if (Array.isArray(value) && value.length > MAX_LISTED) return `${value.length} values`;
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.map((item) => readable(item, key)).join(", ");
  if (typeof value === "object" && value !== null) {
    return Object.entries(value)
      .map(([name, child]) => `${name} ${typeof child === "object" && child !== null ? `(${readable(child, name)})` : readable(child, name)}`)
      .join(" · ");
  }
  if (typeof value === "number" && TIME_KEY.test(key) && value > EPOCH_MS) return formatDate(value);
  return formatCell(value);
}
