/** The static type of a generated expression: `num` is an integer or a float, depending on values. */
export type LuaType = "int" | "float" | "num" | "str" | "bool";

/** A generated expression: text with holes for sub-expressions, so shrinking can replace any node by a smaller one. */
export interface Expr {
  readonly type: LuaType;
  readonly parts: readonly (string | Expr)[];
}

/** One statement; `defines` names the local it declares (referenced later and returned). */
export interface Stmt {
  readonly parts: readonly (string | Expr)[];
  readonly defines?: string;
}

/** A generated program: statements, then `return` of the locals listed in `results`. */
export interface Program {
  readonly stmts: readonly Stmt[];
  readonly results: readonly string[];
}

/** The leaf each type shrinks to. */
export const SMALLEST: Readonly<Record<LuaType, Expr>> = {
  int: { type: "int", parts: ["0"] },
  float: { type: "float", parts: ["0.5"] },
  num: { type: "num", parts: ["0"] },
  str: { type: "str", parts: ['""'] },
  bool: { type: "bool", parts: ["true"] },
};

/** Whether an expression of type `kid` can stand where one of type `slot` is expected. */
export function fits(kid: LuaType, slot: LuaType): boolean {
  return kid === slot || (slot === "num" && (kid === "int" || kid === "float"));
}

function renderParts(parts: readonly (string | Expr)[]): string {
  return parts.map((p) => (typeof p === "string" ? p : renderParts(p.parts))).join("");
}

/**
 * The program as Lua source, on one line: Debian's lua5.4 (5.4.4) names the wrong line in
 * some arithmetic errors (fixed in 5.4.5, which wasmoon bundles), so generated programs
 * leave line numbers to the corpus.
 */
export function renderProgram(program: Program): string {
  return [...program.stmts.map((s) => renderParts(s.parts)), `return ${program.results.join(", ")}`].join("; ");
}

/** Whether `name` appears as a variable reference in the statement's text. */
export function mentions(stmt: Stmt, name: string): boolean {
  return new RegExp(`\\b${name}\\b`).test(renderParts(stmt.defines === undefined ? stmt.parts : stmt.parts.slice(1)));
}
