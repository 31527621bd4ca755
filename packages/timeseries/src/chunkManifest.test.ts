import { describe, expect, it } from "vitest";
import { decodeManifest, encodeManifest, isManifest, MAX_MANIFEST_CHUNKS } from "./chunkManifest.ts";
import { joinSeries, sliceRows } from "./joinSeries.ts";
import { encodeShard } from "./shardCodec.ts";
import { ShardError } from "./ShardError.ts";

const a = "a".repeat(64);
const b = "0123456789abcdef".repeat(4);

describe("chunk manifests", () => {
  it("round-trip the ordered chunk list with row counts", () => {
    const bytes = encodeManifest([{ hash: a, rows: 65_536 }, { hash: b, rows: 7 }]);
    expect(isManifest(bytes)).toBe(true);
    expect(decodeManifest(bytes)).toEqual([{ hash: a, rows: 65_536 }, { hash: b, rows: 7 }]);
  });

  it("are told apart from shards by their magic", () => {
    expect(isManifest(encodeShard({ key: "k", time: new Float64Array([1]), columns: {} }))).toBe(false);
  });

  it("refuse malformed bytes: truncated, wrong magic, wrong version, a count past the limit, trailing bytes", () => {
    const good = encodeManifest([{ hash: a, rows: 1 }]);
    expect(() => decodeManifest(good.subarray(0, 20))).toThrow(/expected 48/);
    expect(() => decodeManifest(good.subarray(0, 5))).toThrow(/truncated/);
    const magic = good.slice();
    magic[0] = 0;
    expect(() => decodeManifest(magic)).toThrow(/bad magic/);
    const version = good.slice();
    version[4] = 9;
    expect(() => decodeManifest(version)).toThrow(/version 9/);
    const count = good.slice();
    new DataView(count.buffer).setUint32(8, MAX_MANIFEST_CHUNKS + 1, true);
    expect(() => decodeManifest(count)).toThrow(ShardError);
    const trailing = new Uint8Array(good.length + 1);
    trailing.set(good);
    expect(() => decodeManifest(trailing)).toThrow(/expected 48/);
  });

  it("are not encoded from bad chunk refs", () => {
    expect(() => encodeManifest([])).toThrow(ShardError);
    expect(() => encodeManifest([{ hash: "zz", rows: 1 }])).toThrow(/SHA-256/);
    expect(() => encodeManifest([{ hash: a, rows: -1 }])).toThrow(/-1 rows/);
  });
});

describe("joinSeries", () => {
  const whole = { key: "k", time: Float64Array.from([1, 2, 3, 4, 5]), columns: { c: Float64Array.from([10, 20, 30, 40, 50]) } };

  it("puts consecutive slices back together exactly", () => {
    const joined = joinSeries([sliceRows(whole, 0, 2), sliceRows(whole, 2, 2), sliceRows(whole, 2, 5)]);
    expect(Array.from(joined.time)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(joined.columns.c!)).toEqual([10, 20, 30, 40, 50]);
  });

  it("refuses pieces out of order, of another key or with other columns", () => {
    expect(() => joinSeries([sliceRows(whole, 2, 5), sliceRows(whole, 0, 2)])).toThrow(/out of order/);
    expect(() => joinSeries([whole, { ...sliceRows(whole, 0, 0), key: "x" }])).toThrow(/keyed "x"/);
    expect(() => joinSeries([sliceRows(whole, 0, 2), { key: "k", time: Float64Array.from([9]), columns: { d: Float64Array.from([1]) } }])).toThrow(/columns/);
  });
});
