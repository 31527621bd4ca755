import type { Json } from "@shoal/protocol";
import { CallLog } from "../CallLog.ts";
import type { SeriesInput } from "../LuaEngine.ts";
import { Xoshiro128 } from "../random/Xoshiro128.ts";
import type { State } from "./luaExports.ts";
import type { QuantRun } from "./quantRun.ts";
import type { GuardLimits } from "./WasmoonGuard.ts";
import { WasmoonGuard } from "./WasmoonGuard.ts";

/** Everything one map/reduce call on wasmoon owns: its state, limits, random sequence, log and `tostring` ids. */
export class WasmoonCall {
  readonly chunkName: string;
  /** What the call does once the sandbox is open, inside the protected call. */
  readonly body: (L: State) => void;
  readonly guard: WasmoonGuard;
  readonly random: Xoshiro128;
  readonly log: CallLog;
  /** Whether the job's chunk, and chunks `load` compiles, run rewritten with countdown checks instead of under the count hook. */
  countdown = false;
  /** The call's lua_State (set once it is created). */
  L: State = 0;
  /** Traceback captured by the message handler when the call fails. */
  traceback: string | undefined;
  /** The last string the job passed to `error`, which the message handler leaves without a position. */
  chosenError: string | null = null;
  /** The series given to map, and the address of the Lua table standing for it. */
  series: SeriesInput | undefined;
  seriesTable = 0;
  /** Arrays that read-only quant vectors view (series columns), by index. */
  readonly views: Float64Array[] = [];
  /** The `quant.run`s of this call, which their `ctx` methods find by index. */
  readonly runs: QuantRun[] = [];
  /** Next id `tostring` gives an object (ids count from 1 in each call, so they never depend on addresses). */
  nextId = 1;
  /** The call's result as JSON, or why it has none. */
  value: Json = null;
  resultError: string | null = null;

  constructor(
    limits: GuardLimits & { maxLogBytes: number; chunkName: string },
    seed: number,
    stringOverhead: number,
    hooks: { onTrip(call: WasmoonCall): void; locate(call: WasmoonCall, L: State): string },
    body: (call: WasmoonCall, L: State) => void,
  ) {
    this.chunkName = limits.chunkName;
    this.body = (L) => body(this, L);
    this.guard = new WasmoonGuard(limits, stringOverhead, {
      onTrip: () => hooks.onTrip(this),
      locate: (L) => hooks.locate(this, L ?? this.L),
    });
    this.random = new Xoshiro128(seed);
    this.log = new CallLog(limits.maxLogBytes);
  }
}
