import type { Expr, Program, Stmt } from "./LuaProgram.ts";
import { fits, mentions, renderProgram, SMALLEST } from "./LuaProgram.ts";

/** Tells, for each candidate source, whether it still shows the difference being shrunk. */
export type StillFails = (sources: readonly string[]) => boolean[];

/**
 * Shrinks a failing program to a small one that still fails: each round tries every
 * one-step simplification (drop a statement or a returned local, replace an expression by
 * one of its sub-expressions or by the smallest literal of its type), all at once through
 * `stillFails`, and keeps the shortest that still fails, until none does.
 */
export function shrinkProgram(program: Program, stillFails: StillFails, maxRounds = 50): Program {
  let current = tidy(program);
  for (let round = 0; round < maxRounds; round++) {
    const size = renderProgram(current).length;
    const candidates = shrinkSteps(current)
      .map(tidy)
      .map((p) => ({ p, source: renderProgram(p) }))
      .filter((c) => c.source.length < size)
      .sort((a, b) => a.source.length - b.source.length);
    if (candidates.length === 0) break;
    const fails = stillFails(candidates.map((c) => c.source));
    const next = candidates.find((_, i) => fails[i]);
    if (next === undefined) break;
    current = next.p;
  }
  return current;
}

/** Drops locals that are neither returned nor used later. */
function tidy(program: Program): Program {
  const stmts = program.stmts.filter((s, i) => {
    if (s.defines === undefined) return true;
    const name = s.defines;
    return program.results.includes(name) || program.stmts.slice(i + 1).some((later) => mentions(later, name));
  });
  return { stmts, results: program.results };
}

/** Every program one simplification away from `program`. */
function shrinkSteps(program: Program): Program[] {
  const out: Program[] = [];
  program.results.forEach((_, i) => {
    if (program.results.length > 1) out.push({ ...program, results: program.results.filter((_, j) => j !== i) });
  });
  program.stmts.forEach((stmt, i) => {
    const replace = (s: Stmt | null) => ({ ...program, stmts: program.stmts.flatMap((t, j) => (j !== i ? [t] : s === null ? [] : [s])) });
    if (stmt.defines === undefined) out.push(replace(null));
    for (const parts of partsSteps(stmt.parts)) out.push(replace({ ...stmt, parts }));
  });
  return out;
}

/** Every parts list one simplification away: one expression replaced by a sub-expression or the smallest literal, or shrunk inside. */
function partsSteps(parts: readonly (string | Expr)[]): (string | Expr)[][] {
  const out: (string | Expr)[][] = [];
  parts.forEach((part, i) => {
    if (typeof part === "string") return;
    const at = (e: Expr) => parts.map((p, j) => (j === i ? e : p));
    for (const smaller of exprSteps(part)) out.push(at(smaller));
  });
  return out;
}

function exprSteps(expr: Expr): Expr[] {
  const out: Expr[] = [];
  const leaf = SMALLEST[expr.type];
  if (expr.parts.length !== 1 || expr.parts[0] !== leaf.parts[0]) out.push(leaf);
  for (const kid of expr.parts) if (typeof kid !== "string" && fits(kid.type, expr.type)) out.push({ ...kid, type: expr.type });
  for (const parts of partsSteps(expr.parts)) out.push({ type: expr.type, parts });
  return out;
}
