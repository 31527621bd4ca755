import type { EngineName } from "@shoal/protocol";

/** What the probe thread runs: a script's top level, once, under these limits. */
export interface ProbeRequest {
  type: "probe";
  source: string;
  engine: EngineName;
  budget: number;
  maxResultBytes: number;
  maxMemoryBytes: number;
}

/** What the probe thread answers: whether the script defines `reduce`, or Lua's error with its line. */
export type ProbeReply =
  | { type: "ready" }
  | { type: "probed"; hasReduce: boolean }
  | { type: "lua-error"; message: string; line?: number };
