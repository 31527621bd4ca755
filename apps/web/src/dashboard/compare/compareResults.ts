import type { Json } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";

/** Whether two results are equal as canonical JSON, and if not, the first path where they differ. */
export type ResultComparison = { equal: true } | { equal: false; path: string; a: string; b: string };

/** The longest value text shown for a difference. */
const SHOWN_CHARS = 120;

/**
 * Compares two job results the way quorum and `shoal run` checks do: as canonical JSON (floats to
 * fixed significant digits, keys sorted). When they differ, walks both canonical forms to the
 * first differing path (`$.runs[3].sharpe`), array indices in order and object keys sorted.
 */
export function compareResults(a: Json, b: Json): ResultComparison {
  const left = canonicalJson(a);
  const right = canonicalJson(b);
  if (left === right) return { equal: true };
  return firstDifference(JSON.parse(left) as Json, JSON.parse(right) as Json, "$") ?? { equal: false, path: "$", a: shown(a), b: shown(b) };
}

function firstDifference(a: Json, b: Json, path: string): ResultComparison | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const diff = firstDifference(a[i]!, b[i]!, `${path}[${i}]`);
      if (diff) return diff;
    }
    return a.length === b.length ? undefined : { equal: false, path: `${path}.length`, a: String(a.length), b: String(b.length) };
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const step = /^[A-Za-z_]\w*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (!Object.hasOwn(a, key) || !Object.hasOwn(b, key)) return { equal: false, path: step, a: Object.hasOwn(a, key) ? shown(a[key]!) : "absent", b: Object.hasOwn(b, key) ? shown(b[key]!) : "absent" };
      const diff = firstDifference(a[key]!, b[key]!, step);
      if (diff) return diff;
    }
    return undefined;
  }
  const left = JSON.stringify(a);
  const right = JSON.stringify(b);
  return left === right ? undefined : { equal: false, path, a: shown(a), b: shown(b) };
}

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shown(value: Json): string {
  const text = JSON.stringify(value);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text;
}
