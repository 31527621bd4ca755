import { LuaError } from "../LuaEngine.ts";
import { compileLua } from "./compileLua.ts";
import { rawToString, typeName } from "./runtime.ts";
import { LuaFloat, hexFloat, type LuaValue } from "./values.ts";

/**
 * Runs a differential case on the compiled engine and shows its outcome as the differential
 * driver (../differential/driver.ts) shows native Lua's: `case:LINE:` positions, values
 * joined by ", ", strings quoted byte by byte, floats that do not read back also in `%a`.
 */
export function compiledOutcome(source: string, budget = 5e6): string {
  let chunk;
  try {
    chunk = compileLua(source, { chunkName: "case" });
  } catch (e) {
    if (e instanceof LuaError) return `load error: ${show(e.message)}`;
    throw e;
  }
  try {
    return chunk.run({ budget }).map(show).join(", ");
  } catch (e) {
    if (e instanceof LuaError && e.kind === "budget") return `uncaught budget: ${e.message}`;
    if (e instanceof LuaError) return e.message.startsWith("case: error object is a ") ? `error: ${e.message.slice(24, -6)}` : `error: ${show(e.message)}`;
    throw e;
  }
}

function show(v: LuaValue): string {
  if (typeof v === "string") return `"${v.replace(/[^\]-~ -!#-[]/g, (c) => `\\${String(c.charCodeAt(0)).padStart(3, "0")}`)}"`;
  if (typeof v === "number" || typeof v === "bigint" || v instanceof LuaFloat) {
    const x = typeof v === "object" ? v.n : v;
    if (typeof x === "number" && Number.isNaN(x)) return "nan";
    const s = rawToString(v);
    const isFloat = v instanceof LuaFloat || (typeof v === "number" && !Number.isInteger(v));
    if (isFloat && Number.isFinite(x) && Number(s) !== x) return `${s}~${hexFloat(x as number)}`;
    return s;
  }
  if (v === undefined || typeof v === "boolean") return rawToString(v);
  return typeName(v);
}
