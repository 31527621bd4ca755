import type { Json } from "./json.ts";

/** Significant digits kept when floats are compared; engines may differ in the last bits of `math.exp` and friends. */
export const CANONICAL_DIGITS = 12;

/**
 * Serialises a JSON value so that equal results give equal strings: object keys sorted,
 * non-integer numbers rounded to `digits` significant digits, `-0` written as `0`.
 * Used to compare replicas for quorum and runs for equality.
 */
export function canonicalJson(value: Json, digits: number = CANONICAL_DIGITS): string {
  return write(value, digits);
}

function write(value: Json, digits: number): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return canonicalNumber(value, digits);
  if (Array.isArray(value)) return `[${value.map((item) => write(item, digits)).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${write(value[key] as Json, digits)}`).join(",")}}`;
}

function canonicalNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return "null";
  if (Number.isSafeInteger(value)) return String(value === 0 ? 0 : value);
  const rounded = Number(value.toPrecision(digits));
  return JSON.stringify(rounded === 0 ? 0 : rounded);
}

/** True when two results agree after canonicalisation. */
export function sameResult(a: Json, b: Json, digits: number = CANONICAL_DIGITS): boolean {
  return canonicalJson(a, digits) === canonicalJson(b, digits);
}
