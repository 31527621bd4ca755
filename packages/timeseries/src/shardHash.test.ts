import { describe, expect, it } from "vitest";
import { encodeShard } from "./shardCodec.ts";
import { shardHash } from "./shardHash.ts";

describe("shardHash", () => {
  it("is the lowercase hex SHA-256 of the bytes", async () => {
    expect(await shardHash(new Uint8Array(0))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(await shardHash(new TextEncoder().encode("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("hashes only the view, not the whole underlying buffer", async () => {
    const buffer = new TextEncoder().encode("xxabcxx");
    expect(await shardHash(buffer.subarray(2, 5))).toBe(await shardHash(new TextEncoder().encode("abc")));
  });

  it("addresses shards by content", async () => {
    const series = { key: "k", time: new Float64Array([1, 2]), columns: { v: new Float64Array([3, 4]) } };
    const same = await shardHash(encodeShard({ ...series }));
    expect(await shardHash(encodeShard(series))).toBe(same);
    expect(await shardHash(encodeShard({ ...series, key: "j" }))).not.toBe(same);
  });
});
