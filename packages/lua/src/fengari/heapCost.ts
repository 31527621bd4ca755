/**
 * Estimated bytes of V8 heap per fengari object, measured on Node 20 (x64) with
 * `process.memoryUsage()` around loops that build and keep 1e5–1e6 objects; see
 * docs/lua-api.md ("Limits"). The heap guard charges these as objects are created and
 * sums them over everything reachable when it measures.
 */
export const HEAP_COST = {
  /** An empty table: the Table object and its two Maps. */
  table: 480,
  /** One key/value slot in a table (Map entry, linked-list node, two TValues). */
  entry: 170,
  /** A string's fixed part (TString, Uint8Array); its bytes, and its table key if built, come on top. */
  string: 240,
  /** A Lua or JS closure without upvalues. */
  closure: 160,
  /** One upvalue of a closure. */
  upvalue: 40,
  /** A coroutine without its stack. */
  thread: 900,
  /** One used slot of a coroutine's stack. */
  slot: 40,
  /** A userdata. */
  userdata: 120,
  /** One compiled instruction of a function prototype (with its line info). */
  instruction: 120,
} as const;

/** Upper bound on the characters Lua writes for a number converted to a string. */
export const NUMBER_STRING_BYTES = 32;
