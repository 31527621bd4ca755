/** A shard that cannot be encoded or decoded: malformed, truncated, oversized or inconsistent. */
export class ShardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShardError";
  }
}
