import type { Json } from "./json.ts";
import type { ParamPoint } from "./jobSpec.ts";

/** A parameter point with its index in grid order. */
export interface IndexedPoint {
  index: number;
  p: ParamPoint;
}

/** Rows of one series a map task reads: 0-based, `end` exclusive, `haloStart` ≤ `start`. */
export interface SliceRef {
  key: string;
  haloStart: number;
  start: number;
  end: number;
}

/** One map task: a slice of one series under a batch of parameter points. */
export interface MapTaskSpec {
  kind: "map";
  slice: SliceRef;
  points: IndexedPoint[];
}

/** One reduce task: folds the listed values (map outputs or earlier reduce outputs) into one. */
export interface ReduceTaskSpec {
  kind: "reduce";
  level: number;
  group: number;
  values: Json[];
}

/** What a map task gives back: one output per point, in the order of `points`. */
export interface MapTaskResult {
  outputs: Json[];
  log: string[];
  instructions: number;
}

/**
 * Seed for `math.random` in one map call. It depends only on what the call computes
 * (series, slice, point), never on batching or on which peer runs it, so replicas agree.
 */
export function mapSeed(jobSeed: number, slice: SliceRef, pointIndex: number): number {
  return fnv1a(`${jobSeed}\u0000${slice.key}\u0000${slice.start}\u0000${pointIndex}`);
}

/** Seed for one reduce call, fixed by its place in the reduce tree. */
export function reduceSeed(jobSeed: number, level: number, group: number): number {
  return fnv1a(`${jobSeed}\u0000reduce\u0000${level}\u0000${group}`);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
