import type { CClosure, LClosure, LuaState, Proto, Table, TString, TValue, Udata } from "fengari";
import { viewOf } from "./tsView.ts";
import defs from "fengari/src/defs.js";
import { HEAP_COST } from "./heapCost.ts";
import { cachedKeyLength } from "./stringKey.ts";

const { LUA_TSTRING, LUA_TTABLE, LUA_TLCL, LUA_TCCL, LUA_TUSERDATA, LUA_TTHREAD } = defs.constant_types as Record<
  "LUA_TSTRING" | "LUA_TTABLE" | "LUA_TLCL" | "LUA_TCCL" | "LUA_TUSERDATA" | "LUA_TTHREAD",
  number
>;

type Node =
  | { kind: "table"; o: Table }
  | { kind: "lclosure"; o: LClosure }
  | { kind: "cclosure"; o: CClosure }
  | { kind: "proto"; o: Proto }
  | { kind: "userdata"; o: Udata }
  | { kind: "thread"; o: LuaState };

/**
 * Estimates the bytes held by every Lua object reachable from the state's registry, its
 * type metatables and its main thread, using HEAP_COST. fengari has no collector of its
 * own (objects are JavaScript objects), so reachability is what will stay alive. The walk
 * is deterministic, so replicas agree on when a job runs out of memory.
 */
export function measureHeap(L: LuaState): number {
  const seen = new Set<unknown>();
  const work: Node[] = [];
  let bytes = 0;

  const value = (v: TValue | undefined): void => {
    if (v === undefined || v === null) return;
    const type = v.type;
    const base = type & 15;
    if (base < LUA_TSTRING) return;
    const o = v.value;
    if (seen.has(o)) return;
    if (base === LUA_TSTRING) {
      seen.add(o);
      const s = o as TString;
      bytes += HEAP_COST.string + s.realstring.length + cachedKeyLength(s);
    } else if (type === LUA_TTABLE) table(o as Table);
    else if (type === LUA_TLCL) push({ kind: "lclosure", o: o as LClosure });
    else if (type === LUA_TCCL) push({ kind: "cclosure", o: o as CClosure });
    else if (type === LUA_TUSERDATA) push({ kind: "userdata", o: o as Udata });
    else if (type === LUA_TTHREAD) push({ kind: "thread", o: o as LuaState });
  };
  const table = (t: Table | null | undefined): void => {
    if (t) push({ kind: "table", o: t });
  };
  const push = (node: Node): void => {
    if (seen.has(node.o)) return;
    seen.add(node.o);
    work.push(node);
  };

  value(L.l_G.l_registry);
  for (const mt of L.l_G.mt) table(mt);
  push({ kind: "thread", o: L.l_G.mainthread });
  push({ kind: "thread", o: L });

  for (let node = work.pop(); node !== undefined; node = work.pop()) {
    switch (node.kind) {
      case "table": {
        const t = node.o;
        bytes += HEAP_COST.table + t.strong.size * HEAP_COST.entry + (viewOf(t)?.byteLength ?? 0);
        for (const entry of t.strong.values()) {
          value(entry.key);
          value(entry.value);
        }
        table(t.metatable);
        break;
      }
      case "lclosure": {
        const c = node.o;
        bytes += HEAP_COST.closure + c.upvals.length * HEAP_COST.upvalue;
        for (const uv of c.upvals) value(uv);
        if (c.p) push({ kind: "proto", o: c.p });
        break;
      }
      case "cclosure": {
        const c = node.o;
        bytes += HEAP_COST.closure + c.upvalue.length * HEAP_COST.upvalue;
        for (const uv of c.upvalue) value(uv);
        break;
      }
      case "proto": {
        const p = node.o;
        bytes += p.code.length * HEAP_COST.instruction;
        for (const k of p.k) value(k);
        for (const child of p.p) push({ kind: "proto", o: child });
        if (p.cache) push({ kind: "lclosure", o: p.cache });
        break;
      }
      case "userdata":
        bytes += HEAP_COST.userdata + (node.o.len ?? 0);
        table(node.o.metatable);
        value(node.o.uservalue);
        break;
      case "thread": {
        const th = node.o;
        bytes += HEAP_COST.thread + th.top * HEAP_COST.slot + th.stack.length * 8;
        for (let i = 0; i < th.top; i++) value(th.stack[i]);
        break;
      }
    }
  }
  return bytes;
}
