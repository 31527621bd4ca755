import { LUA } from "./luaExports.ts";
import { LibError } from "./LibError.ts";
import { WASMOON_STRING_COSTS } from "../stringCosts.ts";
import type { State } from "./luaExports.ts";

const { bytesPerInstruction, perString } = WASMOON_STRING_COSTS;
/** Heap a call may still use after running out, so raising the error does not fail too. */
const RESERVE_BYTES = 1024 * 1024;
const MiB = 1024 * 1024;
/** Checks a rewritten chunk runs between two calls of its guard function. */
export const COUNTDOWN_STEP = 1000;
/** Instructions of budget one countdown check stands for: about what one iteration of a tight loop runs. */
export const COUNTDOWN_CHECK_COST = 4;

export interface GuardLimits {
  /** The job's chunk name, whose line a tripped guard's message carries. */
  chunkName: string;
  budget: number;
  maxStringBytes: number;
  maxMemoryBytes: number;
}

export type TripKind = "budget" | "memory" | "runtime";

/** What the guard asks of its call: make the next instruction raise, and say where the job's code is running. */
export interface GuardHooks {
  onTrip(): void;
  /** "job.lua:LINE: " for the job code running in `L` (null: the call's main thread), or "". */
  locate(L: State | null): string;
}

/**
 * The limits of one call on wasmoon. The instruction count comes from the job's countdown
 * checks (or, in the "hook" guard mode, the count hook) and from charges by library functions; memory is Lua's own allocation count, enforced by the
 * state's allocator, which refuses any string over maxStringBytes, any buffer over twice
 * that while a string builder runs, and any growth past maxMemoryBytes (after Lua's
 * emergency collection failed to make room). Running out of budget or memory trips the
 * guard: from then on every instruction raises the same error, so pcall cannot swallow it.
 * That error carries the line of the job code running when the guard tripped (for a trip
 * inside a library function or the allocator: of the main thread), so replicas agree on it.
 *
 * With a finite budget the job's chunk, and every chunk `load` compiles, runs rewritten by
 * insertBackEdgeChecks: each loop body, each label a `goto` can jump back to and each function
 * body starts with a countdown check on an upvalue the script cannot name; when its grant is
 * spent it calls the guard function (onCountdown), which grants the next COUNTDOWN_STEP checks
 * (fewer when the budget is nearly spent), charging them at COUNTDOWN_CHECK_COST instructions
 * each, and trips the guard once nothing is left, naming the line of the check.
 * Once tripped, the guard function raises at every check and the count hook (set then, every
 * instruction) at every instruction, so pcall cannot swallow the error. No hook runs before the
 * trip: while any count hook is set Lua 5.4 sends every instruction through its hook dispatcher,
 * which made the plain-Lua sweep 2.96x native lua5.4's CPU time against 1.75x with the checks
 * and 1.64x with no guard at all (`npm run bench lua`, guard candidates, 5 rounds at load 2–5 on
 * 2 cores). A budget of Infinity runs the source as written with neither, leaving loops to the
 * task deadline. The count hook mode ("hook", createWasmoonEngine's second argument) stays for
 * comparison.
 */
export class WasmoonGuard {
  readonly limits: GuardLimits;
  /** Instructions counted so far. */
  used = 0;
  /** Bytes Lua holds in this state. */
  bytes = 0;
  /** Whether limits apply (off while the sandbox is built and after the call). */
  enforcing = false;
  /** What a string builder running now is building ("string", "table.concat result"), for the refusal message. */
  building: string | null = null;
  /** Why the call must stop; `message` starts with the job line that was running ("job.lua:7: ..."). */
  tripped: { kind: TripKind; message: string } | null = null;
  /** Why the last allocation was refused, with the job line, for errors Lua only reports as "not enough memory". */
  refusal: string | null = null;
  /** Messages of catchable memory errors raised in this call. */
  readonly memoryMessages = new Set<string>();
  readonly #stringOverhead: number;
  readonly #hooks: GuardHooks;
  #retry: { ptr: number; nsize: number } | null = null;

  /** `stringOverhead` is what a string object adds to its length. */
  constructor(limits: GuardLimits, stringOverhead: number, hooks: GuardHooks) {
    this.limits = limits;
    this.#stringOverhead = stringOverhead;
    this.#hooks = hooks;
  }

  /** Decides an allocation that grows the heap by `delta` (Lua's allocator arguments). */
  allows(ptr: number, osize: number, nsize: number, delta: number): boolean {
    if (!this.enforcing) return true;
    const maxString = this.limits.maxStringBytes;
    if (ptr === 0 && osize === LUA.TSTRING && nsize - this.#stringOverhead > maxString) {
      this.refusal = `${this.#hooks.locate(null)}string too large (${nsize - this.#stringOverhead} bytes > limit ${maxString})`;
      return false;
    }
    if (this.building !== null && nsize > 2 * maxString) {
      this.refusal = `${this.#hooks.locate(null)}${this.building} too large (more than ${2 * maxString} bytes)`;
      return false;
    }
    const limit = this.tripped?.kind === "memory" ? this.limits.maxMemoryBytes + RESERVE_BYTES : this.limits.maxMemoryBytes;
    if (this.bytes + delta <= limit) {
      this.#retry = null;
      return true;
    }
    // Lua retries a refused allocation once after an emergency collection; refusing it twice means the heap is full.
    if (this.#retry !== null && this.#retry.ptr === ptr && this.#retry.nsize === nsize) {
      const mib = (n: number) => (n / MiB).toFixed(0);
      this.trip("memory", `not enough memory (Lua heap about ${mib(this.bytes + delta)} MiB > limit ${mib(this.limits.maxMemoryBytes)} MiB)`);
    }
    this.#retry = { ptr, nsize };
    return false;
  }

  /** Accounts for a string object of `nsize` bytes just allocated. */
  stringCreated(nsize: number): void {
    if (this.enforcing) this.used += perString + Math.floor((nsize - this.#stringOverhead) / bytesPerInstruction);
  }

  /** Adds the count hook's interval (the hook runs in `L`; the "hook" guard mode, or after a trip); true when the call must stop. */
  onHook(count: number, L: State): boolean {
    if (this.tripped === null) {
      this.used += count;
      if (this.used > this.limits.budget) this.trip("budget", `instruction budget exceeded (${this.limits.budget} instructions)`, L);
    }
    return this.tripped !== null;
  }

  /**
   * Refills the countdown of a rewritten chunk (see insertBackEdgeChecks), whose last grant is
   * spent: grants up to COUNTDOWN_STEP more checks, as many as the budget has left at
   * COUNTDOWN_CHECK_COST instructions each, charging them now (so `used` never lags behind and a
   * small budget is not overdrawn); or, with nothing left, trips the guard at the job code
   * running in `L`. The checks granted, or 0 when the call must stop.
   */
  onCountdown(L: State): number {
    if (this.tripped === null) {
      const grant = Math.min(COUNTDOWN_STEP, Math.floor((this.limits.budget - this.used) / COUNTDOWN_CHECK_COST));
      if (grant > 0) {
        this.used += grant * COUNTDOWN_CHECK_COST;
        return grant;
      }
      this.trip("budget", `instruction budget exceeded (${this.limits.budget} instructions)`, L);
    }
    return 0;
  }

  /** Charges `n` instructions of bulk work done by a library function; throws a LibError once the call must stop. */
  tick(n: number): void {
    if (this.tripped === null) {
      this.used += n;
      if (this.used > this.limits.budget) this.trip("budget", `instruction budget exceeded (${this.limits.budget} instructions)`);
    }
    if (this.tripped !== null) throw new LibError(this.tripped.message, true);
  }

  /** Throws a catchable memory error if a string of `bytes` would exceed maxStringBytes. */
  checkString(bytes: number, what: string): void {
    if (bytes > this.limits.maxStringBytes) this.memoryError(`${what} too large (${bytes} bytes > limit ${this.limits.maxStringBytes})`);
  }

  /** Throws a catchable memory error (nothing was allocated). */
  memoryError(message: string): never {
    this.memoryMessages.add(message);
    throw new LibError(message);
  }

  /** Trips the guard; every later instruction of the call raises `message` after the line of the job code running in `L` (null: the main thread). */
  trip(kind: TripKind, message: string, L: State | null = null): void {
    if (this.tripped !== null) return;
    this.tripped = { kind, message: this.#hooks.locate(L) + message };
    this.#hooks.onTrip();
  }
}
