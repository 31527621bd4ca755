import fengari from "fengari";
import type { LuaState } from "fengari";
import { CallLog } from "../CallLog.ts";
import { Xoshiro128 } from "../random/Xoshiro128.ts";
import type { GuardLimits } from "./CallGuard.ts";
import { CallGuard, withGuard } from "./CallGuard.ts";

/** Everything one map/reduce call owns: its limits, its random sequence, its log. */
export class CallContext {
  readonly guard: CallGuard;
  readonly random: Xoshiro128;
  readonly log: CallLog;
  /** Traceback captured by the message handler when the call fails. */
  traceback: string | undefined;
  /** The last string the job passed to `error`, which the message handler leaves without a position. */
  chosenError: string | null = null;

  constructor(limits: GuardLimits, seed: number, maxLogBytes: number) {
    this.guard = new CallGuard(limits);
    this.random = new Xoshiro128(seed);
    this.log = new CallLog(maxLogBytes);
  }
}

let current: CallContext | null = null;

/** Runs `fn` with `ctx` (and its guard) as the running call's. */
export function runInContext<T>(ctx: CallContext, fn: () => T): T {
  const previous = current;
  current = ctx;
  try {
    return withGuard(ctx.guard, fn);
  } finally {
    current = previous;
  }
}

/** The running call's context; a library function called outside a call raises a Lua error. */
export function callContext(L: LuaState): CallContext {
  if (current === null) return fengari.lauxlib.luaL_error(L, "no Shoal call is running");
  return current;
}
