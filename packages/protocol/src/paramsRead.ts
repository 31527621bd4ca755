/**
 * The parameter names a script reads from its point, found by their text: `p.fast` and `p["fast"]`
 * where `p` is the name `map` gives its second argument. A hint for authors ("reads p.slow but no
 * slow is swept"), not an analysis: names built at run time are not found.
 */
export function paramsRead(script: string): string[] {
  const header = /function\s+map\s*\(\s*[A-Za-z_]\w*\s*,\s*([A-Za-z_]\w*)\s*\)/.exec(script);
  if (!header) return [];
  const p = header[1]!;
  const names = new Set<string>();
  const dotted = new RegExp(`(?<![\\w.:])${p}\\s*(?:\\.\\s*([A-Za-z_]\\w*)|\\[\\s*["']([A-Za-z_]\\w*)["']\\s*\\])`, "g");
  for (const match of script.matchAll(dotted)) names.add((match[1] ?? match[2])!);
  return [...names];
}

/** Names the script reads from its point that the parameter grid does not set, in the order read. */
export function unsetParams(script: string, params: Readonly<Record<string, unknown>>): string[] {
  return paramsRead(script).filter((name) => !Object.hasOwn(params, name));
}
