import type { LuaModule } from "./loadLuaWasm.ts";
import { loadLuaWasm } from "./loadLuaWasm.ts";
import type { LuaExports, State } from "./luaExports.ts";
import { LUA } from "./luaExports.ts";
import { LibError } from "./LibError.ts";
import { probeLayout } from "./probeLayout.ts";
import { WasmHeap } from "./WasmHeap.ts";
import type { WasmoonCall } from "./WasmoonCall.ts";
import type { WasmoonGuard } from "./WasmoonGuard.ts";

/** A library function written in JavaScript, called by Lua like a lua_CFunction. */
export type LibFunction = (rt: WasmoonRuntime, L: State) => number;

/** The string-hash seed every state gets, so table iteration order is the same on every replica. */
export const STATE_SEED = 0x53686f61;
/** The allocator's user data; finds global_State inside a new state's memory (see probeLayout). */
export const STATE_UD = 0x5eed0001;

interface Creating {
  n: number;
  base: number;
  size: number;
  fixSeed: boolean;
}

/**
 * wasmoon's Lua (5.4 in WebAssembly) set up for the sandbox, one per JavaScript realm
 * (worker thread or Web Worker): raw exports, string and memory helpers, library
 * functions registered once in the wasm function table, and states created with a fixed
 * hash seed and an allocator that accounts every byte to the running call's guard.
 */
export class WasmoonRuntime {
  readonly x: LuaExports;
  readonly heap: WasmHeap;
  /** The call running now; library functions read their context here. */
  call: WasmoonCall | null = null;
  /** What a string object adds to its length in bytes. */
  stringOverhead = 0;
  /** Byte offset of a table's array pointer in its Table struct. */
  readonly tableArrayOffset = 12;
  /** Where global_State's seed sits in a state's first block (set by probeLayout). */
  seedOffset = -1;
  /** Byte offset of `hookcount` (instructions left until the count hook) in a lua_State (set by probeLayout). */
  hookCountOffset = -1;
  readonly #module: LuaModule;
  readonly #functions = new Map<LibFunction, number>();
  readonly #cIndices = new Map<unknown, number>();
  /** Lua's own C functions the sandbox replaced, by "lib.name", for the replacements to call. */
  readonly #originals = new Map<string, number>();
  readonly #typeNames: string[] = [];
  readonly #allocIndex: number;
  readonly #hookIndex: number;
  readonly #panicIndex: number;
  #accounting: WasmoonGuard | null = null;
  #creating: Creating | null = null;
  #tap: ((osize: number, nsize: number) => void) | null = null;

  /** Loads the wasm module (from `wasmUrl`, or node_modules in Node) and checks the assumptions the sandbox makes about it. */
  static async load(wasmUrl?: string): Promise<WasmoonRuntime> {
    const rt = new WasmoonRuntime(await loadLuaWasm(wasmUrl));
    probeLayout(rt);
    return rt;
  }

  private constructor(module: LuaModule) {
    this.#module = module;
    this.x = module.exports;
    this.heap = new WasmHeap(this.x);
    this.#allocIndex = module.addFunction(this.#allocate, "iiiii");
    this.#hookIndex = module.addFunction(this.#hook, "vii");
    // An error outside any protected call: throwing a JavaScript exception unwinds to our caller, which drops the state.
    this.#panicIndex = module.addFunction((L: number) => {
      throw new Error(`Lua panic: ${this.x.lua_type(L, -1) === LUA.TSTRING ? this.heap.string(L, -1) : "unknown error"}`);
    }, "ii");
    for (let t = LUA.TNIL; t <= LUA.TTHREAD; t++) this.#typeNames.push(this.heap.cString(this.x.lua_typename(0, t)));
  }

  /** The function-table index of `f`, registering it on first use. */
  fn(f: LibFunction): number {
    let index = this.#functions.get(f);
    if (index === undefined) {
      index = this.#module.addFunction((L: number) => {
        try {
          return f(this, L);
        } catch (e) {
          if (typeof e === "number") throw e; // a Lua error unwinding (Emscripten's longjmp throws a number)
          return this.#raiseException(L, e);
        }
      }, "ii");
      this.#functions.set(f, index);
    }
    return index;
  }

  /** The function-table index of one of Lua's own C functions exported by the module. */
  cIndex(f: (L: State) => number): number {
    let index = this.#cIndices.get(f);
    if (index === undefined) {
      const table = this.x.__indirect_function_table;
      for (let i = 0; i < table.length && index === undefined; i++) if (table.get(i) === f) index = i;
      if (index === undefined) throw new Error("wasmoon: a Lua library is missing from the function table");
      this.#cIndices.set(f, index);
    }
    return index;
  }

  /** Records the function-table index of Lua's own `name` ("string.rep") before the sandbox replaces it. */
  keepOriginal(name: string, index: number): void {
    this.#originals.set(name, index);
  }

  /** The function-table index of Lua's own `name`, kept by keepOriginal. */
  original(name: string): number {
    const index = this.#originals.get(name);
    if (index === undefined) throw new Error(`wasmoon: Lua's ${name} was not kept`);
    return index;
  }

  /** Calls the C function at `index` on the current stack, as if Lua had called it. */
  callC(index: number, L: State): number {
    return (this.x.__indirect_function_table.get(index) as (L: State) => number)(L);
  }

  /** Sets each function of `lib` as a field of the table on top of the stack. */
  setFunctions(L: State, lib: Readonly<Record<string, LibFunction>>): void {
    for (const [name, f] of Object.entries(lib)) {
      this.x.lua_pushcclosure(L, this.fn(f), 0);
      this.x.lua_setfield(L, -2, this.heap.cstr(name));
    }
  }

  /** The running call's context; a library function called outside a call raises a Lua error. */
  current(): WasmoonCall {
    if (this.call === null) throw new LibError("no Shoal call is running");
    return this.call;
  }

  typeName(L: State, idx: number): string {
    return this.#typeNames[this.x.lua_type(L, idx)] ?? "no value";
  }

  /** Raises a Lua error: `message` prefixed with the position of the function at `level` (1 = the caller of a library function, 0 = running Lua code, null = none). */
  raise(L: State, message: string, level: number | null = 1): never {
    if (level === null) this.heap.pushString(L, message);
    else {
      this.x.luaL_where(L, level);
      this.heap.pushString(L, message);
      this.x.lua_concat(L, 2);
    }
    this.x.lua_error(L);
    throw new Error("unreachable: lua_error returned");
  }

  /** Creates a state whose allocations count against `guard` (none: unlimited) until it is closed. */
  open(guard: WasmoonGuard | null, fixSeed = true): State {
    this.#accounting = guard;
    this.#creating = { n: 0, base: 0, size: 0, fixSeed };
    let L: State;
    try {
      L = this.x.lua_newstate(this.#allocIndex, STATE_UD);
    } finally {
      this.#creating = null;
    }
    if (L === 0) {
      this.#accounting = null;
      throw new RangeError("wasmoon: could not create a Lua state (out of wasm memory)");
    }
    this.x.lua_atpanic(L, this.#panicIndex);
    return L;
  }

  close(L: State): void {
    try {
      this.x.lua_close(L);
    } finally {
      this.#accounting = null;
    }
  }

  /** Instructions `L` ran since its count hook last fired. */
  sinceHook(L: State): number {
    return this.x.lua_gethookcount(L) - (this.heap.u32[(L + this.hookCountOffset) >> 2] as number);
  }

  /** Runs the count hook every `count` instructions on `L` (and threads it creates later). */
  setHook(L: State, count: number): void {
    this.x.lua_sethook(L, this.#hookIndex, LUA.MASKCOUNT, count);
  }

  /** Creates a state like `open`, reporting where its first block went (for probeLayout). */
  openTraced(fixSeed: boolean): { L: State; base: number; size: number } {
    const creating = { n: 0, base: 0, size: 0, fixSeed };
    this.#creating = creating;
    try {
      const L = this.x.lua_newstate(this.#allocIndex, STATE_UD);
      if (L === 0) throw new RangeError("wasmoon: could not create a Lua state");
      return { L, base: creating.base, size: creating.size };
    } finally {
      this.#creating = null;
    }
  }

  /** Calls `fn` with every allocation reported to `tap` (for probeLayout). */
  traceAllocations<T>(tap: (osize: number, nsize: number) => void, fn: () => T): T {
    this.#tap = tap;
    try {
      return fn();
    } finally {
      this.#tap = null;
    }
  }

  get allocIndex(): number {
    return this.#allocIndex;
  }

  #allocate = (_ud: number, ptr: number, osize: number, nsize: number): number => {
    const x = this.x;
    const guard = this.#accounting;
    if (nsize === 0) {
      if (ptr !== 0) {
        x.free(ptr);
        if (guard !== null) guard.bytes -= osize;
      }
      return 0;
    }
    const delta = ptr === 0 ? nsize : nsize - osize;
    if (guard !== null && delta > 0 && !guard.allows(ptr, osize, nsize, delta)) return 0;
    this.#tap?.(osize, nsize);
    const creating = this.#creating;
    // The second allocation of lua_newstate comes before any string is hashed: the time to replace the seed.
    if (creating !== null && ++creating.n === 2 && creating.fixSeed) this.heap.u32[(creating.base + this.seedOffset) >> 2] = STATE_SEED;
    const out = x.realloc(ptr, nsize);
    if (creating !== null && creating.n === 1) {
      creating.base = out;
      creating.size = nsize;
    }
    if (out !== 0 && guard !== null) {
      guard.bytes += delta;
      if (ptr === 0 && osize === LUA.TSTRING) guard.stringCreated(nsize);
    }
    return out;
  };

  #hook = (L: number): void => {
    const call = this.call;
    if (call === null || !call.guard.onHook(this.x.lua_gethookcount(L), L)) return;
    this.setHook(L, 1);
    this.raise(L, (call.guard.tripped as { message: string }).message, null);
  };

  #raiseException(L: State, e: unknown): never {
    if (e instanceof LibError) return this.raise(L, e.message, e.placed ? null : 1);
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    let kind: "runtime" | "memory" = "runtime";
    let message = `internal error in the Lua engine (${text})`;
    if (e instanceof RangeError && /call stack/i.test(e.message)) message = "stack overflow (JavaScript stack exhausted)";
    else if (e instanceof RangeError && /allocation failed|invalid (typed )?array length|out of wasm memory/i.test(e.message)) {
      kind = "memory";
      message = `not enough memory (${text})`;
    }
    const guard = this.call?.guard;
    if (guard === undefined) return this.raise(L, message);
    guard.trip(kind, message, L);
    return this.raise(L, (guard.tripped as { message: string }).message, null);
  }
}
