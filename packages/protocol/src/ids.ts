declare const brand: unique symbol;

/** A string that the type system keeps apart from other strings of the same shape. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type JobId = Brand<string, "JobId">;
export type TaskId = Brand<string, "TaskId">;
export type PeerId = Brand<string, "PeerId">;
export type DatasetId = Brand<string, "DatasetId">;
/** Lowercase hex SHA-256 of a shard's bytes. */
export type ShardHash = Brand<string, "ShardHash">;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Checks that `value` is a lowercase hex SHA-256 before treating it as a shard address. */
export function asShardHash(value: string): ShardHash {
  if (!SHA256_HEX.test(value)) throw new TypeError(`not a sha256 hex digest: ${JSON.stringify(value.slice(0, 80))}`);
  return value as ShardHash;
}

export const asJobId = (value: string): JobId => value as JobId;
export const asTaskId = (value: string): TaskId => value as TaskId;
export const asPeerId = (value: string): PeerId => value as PeerId;
export const asDatasetId = (value: string): DatasetId => value as DatasetId;
