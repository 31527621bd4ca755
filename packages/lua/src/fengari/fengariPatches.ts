import fengari from "fengari";
import type { LuaState, Table, TString, TValue } from "fengari";
import ldebug from "fengari/src/ldebug.js";
import lobject from "fengari/src/lobject.js";
import lstring from "fengari/src/lstring.js";
import ltable from "fengari/src/ltable.js";
import { activeGuard } from "./CallGuard.ts";
import { HEAP_COST } from "./heapCost.ts";
import { KEY, stringKey } from "./stringKey.ts";

const BUFFER = Symbol("shoal.buffer");
const PATCHED = Symbol.for("shoal.fengari.patched");

type PatchTarget = { [PATCHED]?: true };
type BufferObject = { L: LuaState | null; [BUFFER]: Uint8Array };
type KeyedString = TString & { [KEY]: string | null };

/**
 * Wraps a few fengari internals that its VM and libraries call through module objects,
 * so the active CallGuard sees what the count hook cannot: every instruction (concat
 * sizes, closures), table growth, every string created, and luaL_Buffer growth (gsub,
 * format, pack, concat...). With no call running the wrappers only forward. Also replaces
 * the table key of strings (see stringKey.ts). Process-wide and idempotent; it must run
 * before any fengari state is created.
 */
export function installFengariPatches(): void {
  const marker = ldebug as PatchTarget;
  if (marker[PATCHED]) return;
  marker[PATCHED] = true;

  const traceexec = ldebug.luaG_traceexec;
  ldebug.luaG_traceexec = (L) => {
    activeGuard()?.beforeInstruction(L);
    traceexec(L);
  };

  const newTable = ltable.luaH_new;
  ltable.luaH_new = (L) => {
    activeGuard()?.charge(HEAP_COST.table);
    return newTable(L);
  };
  const setint = ltable.luaH_setint;
  ltable.luaH_setint = (t: Table, key: number, value: TValue) => {
    const size = t.strong.size;
    setint(t, key, value);
    if (t.strong.size > size) activeGuard()?.charge(HEAP_COST.entry);
  };
  const setfrom = ltable.luaH_setfrom;
  ltable.luaH_setfrom = (L: LuaState, t: Table, key: TValue, value: TValue) => {
    const size = t.strong.size;
    setfrom(L, t, key, value);
    if (t.strong.size > size) activeGuard()?.charge(HEAP_COST.entry);
  };

  const pushString = lobject.pushsvalue2s;
  lobject.pushsvalue2s = (L: LuaState, ts: TString) => {
    pushString(L, ts);
    activeGuard()?.stringCreated(L, "lib", ts.realstring.length);
  };
  const setString = lobject.setsvalue2s;
  lobject.setsvalue2s = (L: LuaState, index: number, ts: TString) => {
    setString(L, index, ts);
    activeGuard()?.stringCreated(L, "vm", ts.realstring.length);
  };

  Object.defineProperty(lstring.TString.prototype, "hash", {
    configurable: true,
    get(this: KeyedString) {
      let key = this[KEY];
      if (key === null || key === undefined) {
        key = this[KEY] = stringKey(this.realstring);
        activeGuard()?.charge(key.length);
      }
      return key;
    },
    set(this: KeyedString, key: string | null) {
      this[KEY] = key;
    },
  });

  Object.defineProperty(fengari.lauxlib.luaL_Buffer.prototype, "b", {
    configurable: true,
    get(this: BufferObject) {
      return this[BUFFER];
    },
    set(this: BufferObject, b: Uint8Array) {
      // Capacity doubles, so only a buffer past twice the limit proves the content is past it;
      // the exact check happens when the result is pushed (pushsvalue2s above).
      const guard = activeGuard();
      if (guard !== null && this.L !== null && b.length > 2 * guard.limits.maxStringBytes) {
        guard.memoryError(this.L, "lib", `string too large (more than ${guard.limits.maxStringBytes} bytes)`);
      }
      this[BUFFER] = b;
    },
  });
}
