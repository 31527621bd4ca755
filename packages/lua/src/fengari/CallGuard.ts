import fengari from "fengari";
import type { LuaState } from "fengari";
import ldebug from "fengari/src/ldebug.js";
import lopcodes from "fengari/src/lopcodes.js";
import { HEAP_COST, NUMBER_STRING_BYTES } from "./heapCost.ts";
import { jobPosition } from "./jobPosition.ts";
import { FENGARI_STRING_COSTS } from "../stringCosts.ts";
import { measureHeap } from "./measureHeap.ts";

const { lua, lauxlib, to_luastring } = fengari;
const OP_CONCAT = lopcodes.OpCodesI["OP_CONCAT"];
const OP_CLOSURE = lopcodes.OpCodesI["OP_CLOSURE"];

/** Instructions between two runs of the count hook. */
export const HOOK_STEP = 1000;
const { bytesPerInstruction, perNumberFormatted } = FENGARI_STRING_COSTS;
/** Least allocation (estimated bytes) between two heap measurements. */
const MIN_MEASURE_STEP = 8 * 1024 * 1024;
const MiB = 1024 * 1024;
const FMT = to_luastring("%s");

/** Where a guard raises from: a Lua instruction (hook, VM) or a JavaScript library function. */
export type RaiseSite = "vm" | "lib";

export interface GuardLimits {
  /** The job's chunk name, whose line a tripped guard's message carries. */
  chunkName: string;
  budget: number;
  maxStringBytes: number;
  maxMemoryBytes: number;
}

/**
 * The limits of one map/reduce call: counts instructions (count hook plus charges from
 * library functions), checks string sizes before they are built, and measures the heap
 * as allocation grows. Budget and heap errors trip the guard: from then on every Lua
 * instruction raises the same error, so `pcall` cannot swallow it. That error carries the
 * line of the job code running when the guard tripped, so replicas report the same message.
 */
export class CallGuard {
  readonly limits: GuardLimits;
  /** Instructions counted so far (without the main thread's partial hook interval). */
  used = 0;
  /** Why the call must stop; `message` starts with the job line that was running ("job.lua:7: ..."). */
  tripped: { kind: "budget" | "memory" | "runtime"; message: string } | null = null;
  /** Messages (without position) of catchable memory errors raised in this call. */
  readonly memoryMessages = new Set<string>();
  #charged = 0;
  #live = 0;
  #nextMeasure = MIN_MEASURE_STEP;

  constructor(limits: GuardLimits) {
    this.limits = limits;
  }

  /** Estimated live heap, in bytes, as of the last measurement plus allocation since. */
  get heapEstimate(): number {
    return this.#live + this.#charged;
  }

  /** Records estimated bytes allocated; the next instruction boundary measures when enough has piled up. */
  charge(bytes: number): void {
    this.#charged += bytes;
  }

  /** Count hook: runs every `basehookcount` instructions of the running thread. */
  onHook(L: LuaState): void {
    this.used += L.basehookcount;
    if (this.used > this.limits.budget) {
      this.trip(L, "budget", `instruction budget exceeded (${this.limits.budget} instructions)`);
    }
  }

  /** Runs before every Lua instruction (fengari calls luaG_traceexec there while a count hook is set). */
  beforeInstruction(L: LuaState): void {
    if (this.tripped !== null) this.#raiseTripped(L);
    const ci = L.ci;
    const i = ci.l_code[ci.l_savedpc - 1];
    if (i !== undefined) {
      if (i.opcode === OP_CONCAT) this.#checkConcat(L, ci.l_base + i.B, ci.l_base + i.C);
      else if (i.opcode === OP_CLOSURE) this.#charged += HEAP_COST.closure;
    }
    if (this.#charged >= this.#nextMeasure) this.#measure(L);
  }

  /** Charges `n` instructions of bulk work done by a library function, raising when a limit is hit. */
  tick(L: LuaState, n: number): void {
    if (this.tripped !== null) this.#raiseTripped(L);
    this.used += n;
    if (this.used > this.limits.budget) {
      this.trip(L, "budget", `instruction budget exceeded (${this.limits.budget} instructions)`);
    }
    if (this.#charged >= this.#nextMeasure) this.#measure(L);
  }

  /** Raises a memory error before a string of `bytes` is built if it would exceed maxStringBytes. */
  checkString(L: LuaState, site: RaiseSite, bytes: number, what: string): void {
    if (bytes > this.limits.maxStringBytes) {
      this.memoryError(L, site, `${what} too large (${bytes} bytes > limit ${this.limits.maxStringBytes})`);
    }
  }

  /** Accounts for a string just created (heap and budget), raising if it exceeds maxStringBytes. */
  stringCreated(L: LuaState, site: RaiseSite, bytes: number): void {
    this.#charged += HEAP_COST.string + bytes;
    this.used += Math.floor(bytes / bytesPerInstruction);
    this.checkString(L, site, bytes, "string");
  }

  /** Raises a catchable memory error (nothing stays allocated). */
  memoryError(L: LuaState, site: RaiseSite, message: string): never {
    this.memoryMessages.add(message);
    return this.raise(L, site, message);
  }

  /** Trips the guard and raises; every later instruction of this call raises the same message. */
  trip(L: LuaState, kind: "budget" | "memory" | "runtime", message: string): never {
    this.tripQuietly(L, kind, message);
    lua.lua_sethook(L, countHook, lua.LUA_MASKCOUNT, 1);
    if (L.l_G.mainthread !== L) lua.lua_sethook(L.l_G.mainthread, countHook, lua.LUA_MASKCOUNT, 1);
    return this.#raiseTripped(L);
  }

  /** Trips the guard without raising (for errors already being raised, like JavaScript exceptions); returns the message it keeps. */
  tripQuietly(L: LuaState, kind: "budget" | "memory" | "runtime", message: string): string {
    this.tripped ??= { kind, message: jobPosition(L, this.limits.chunkName) + message };
    return this.tripped.message;
  }

  /** Raises a Lua error with the position of the running Lua code, like Lua's own errors. */
  raise(L: LuaState, site: RaiseSite, message: string): never {
    if (site === "vm") return ldebug.luaG_runerror(L, FMT, to_luastring(message));
    return lauxlib.luaL_error(L, FMT, to_luastring(message));
  }

  #raiseTripped(L: LuaState): never {
    lua.lua_pushstring(L, (this.tripped as { message: string }).message);
    return lua.lua_error(L);
  }

  /** Checks the size of a `..` before it builds, and charges the numbers it will format. */
  #checkConcat(L: LuaState, from: number, to: number): void {
    let bytes = 0;
    for (let r = from; r <= to; r++) {
      const v = L.stack[r];
      if (v === undefined) continue;
      const base = v.type & 15;
      if (base === lua.LUA_TSTRING) bytes += (v.value as { realstring: Uint8Array }).realstring.length;
      else if (base === lua.LUA_TNUMBER) {
        bytes += NUMBER_STRING_BYTES;
        this.used += perNumberFormatted;
      }
    }
    this.checkString(L, "vm", bytes, "string");
  }

  #measure(L: LuaState): void {
    const live = measureHeap(L);
    this.#live = live;
    this.#charged = 0;
    const max = this.limits.maxMemoryBytes;
    if (live > max) {
      const mib = (n: number) => (n / MiB).toFixed(0);
      this.trip(L, "memory", `not enough memory (Lua heap about ${mib(live)} MiB > limit ${mib(max)} MiB)`);
    }
    this.#nextMeasure = Math.max(MIN_MEASURE_STEP, Math.min(live / 2, max - live));
  }
}

let active: CallGuard | null = null;

/** The guard of the call running now, if any. */
export function activeGuard(): CallGuard | null {
  return active;
}

/** Runs `fn` with `guard` active (restoring the previous one after). */
export function withGuard<T>(guard: CallGuard, fn: () => T): T {
  const previous = active;
  active = guard;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/** The count hook every sandboxed state runs with; coroutines inherit it. */
export function countHook(L: LuaState): void {
  active?.onHook(L);
}
