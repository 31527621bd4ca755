/**
 * True when a parsed JSON value nests arrays and objects more than `limit` levels deep (a bare
 * array or object is one level). It recurses at most `limit + 1` calls deep, so no value can
 * overflow it; deep values are turned away before unbounded recursive code (`JSON.stringify`,
 * `canonicalJson`, zod) sees them.
 */
export function exceedsDepth(value: unknown, limit: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (limit <= 0) return true;
  // Scalars are skipped here rather than in a call: most of a result's values are numbers.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "object" && item !== null && exceedsDepth(item, limit - 1)) return true;
    }
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === "object" && item !== null && exceedsDepth(item, limit - 1)) return true;
  }
  return false;
}
