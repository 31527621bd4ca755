/**
 * True when a parsed JSON value nests arrays and objects more than `limit` levels deep (a bare
 * array or object is one level). Walks with an explicit stack, so no depth can overflow it;
 * deep values are turned away before recursive code (`JSON.stringify`, `canonicalJson`, zod) sees them.
 */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const v = top.value;
    if (typeof v !== "object" || v === null) continue;
    if (top.depth > limit) return true;
    const depth = top.depth + 1;
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === "object" && item !== null) stack.push({ value: item, depth });
    } else {
      for (const key in v) {
        const item = (v as Record<string, unknown>)[key];
        if (typeof item === "object" && item !== null) stack.push({ value: item, depth });
      }
    }
  }
  return false;
}
