import { describe, expect, it } from "vitest";
import type { Series } from "./Series.ts";
import { decodeShard, encodeShard } from "./shardCodec.ts";
import { ShardError } from "./ShardError.ts";

const sample: Series = {
  key: "AAPL",
  time: new Float64Array([1, 2, 3]),
  columns: { close: new Float64Array([10.5, NaN, -0]), volume: new Float64Array([1e9, 2e9, Infinity]) },
};

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function expectShardError(bytes: Uint8Array, message?: string): void {
  let thrown: unknown;
  try {
    decodeShard(bytes);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ShardError);
  if (message !== undefined) expect((thrown as Error).message).toContain(message);
}

function header(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

describe("encodeShard / decodeShard", () => {
  it("writes the documented layout", () => {
    const bytes = encodeShard(sample);
    const view = header(bytes);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("SHRD");
    expect([view.getUint16(4, true), view.getUint16(6, true), view.getUint32(8, true), view.getUint16(12, true)]).toEqual([1, 0, 3, 3]);
    expect(view.getUint16(14, true)).toBe(4);
    expect(new TextDecoder().decode(bytes.subarray(16, 20))).toBe("AAPL");
    expect(view.getUint16(20, true)).toBe(4);
    expect(new TextDecoder().decode(bytes.subarray(22, 26))).toBe("time");
    // 14 + (2+4) + (2+4) + (2+5) + (2+6) = 41 header bytes, padded to 48, then 3 columns of 3 float64.
    expect(bytes.byteLength).toBe(48 + 3 * 3 * 8);
    expect([...bytes.subarray(41, 48)]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(view.getFloat64(48, true)).toBe(1);
    expect(view.getFloat64(48 + 3 * 8, true)).toBe(10.5);
  });

  it("round-trips NaN, -0, Infinity and column order", () => {
    const decoded = decodeShard(encodeShard(sample));
    expect(decoded).toEqual(sample);
    expect(Object.keys(decoded.columns)).toEqual(["close", "volume"]);
    expect(Object.is(decoded.columns.close?.[2], -0)).toBe(true);
  });

  it("round-trips an empty series and a series with no columns", () => {
    const empty: Series = { key: "E", time: new Float64Array(0), columns: { a: new Float64Array(0) } };
    expect(decodeShard(encodeShard(empty))).toEqual(empty);
    const bare: Series = { key: "", time: new Float64Array([5]), columns: {} };
    expect(decodeShard(encodeShard(bare))).toEqual(bare);
  });

  it("round-trips unicode keys and column names", () => {
    const series: Series = {
      key: "\uFEFF東証:7203 📈",
      time: new Float64Array([-1e12, 0, 1.5]),
      columns: { "prix d'clôture": new Float64Array([1, 2, 3]), ["__proto__"]: new Float64Array([4, 5, 6]) },
    };
    const decoded = decodeShard(encodeShard(series));
    expect(decoded.key).toBe(series.key);
    expect(Object.keys(decoded.columns)).toEqual(["prix d'clôture", "__proto__"]);
    expect(decoded.columns["__proto__"]).toEqual(new Float64Array([4, 5, 6]));
  });

  it("returns zero-copy views on aligned input", () => {
    const bytes = encodeShard(sample);
    const decoded = decodeShard(bytes);
    expect(decoded.time.buffer).toBe(bytes.buffer);
    expect(decoded.columns.volume?.buffer).toBe(bytes.buffer);
  });

  it("copies once when the input is not 8-byte aligned", () => {
    const bytes = encodeShard(sample);
    const shifted = new Uint8Array(bytes.byteLength + 3).subarray(3);
    shifted.set(bytes);
    const decoded = decodeShard(shifted);
    expect(decoded).toEqual(sample);
    expect(decoded.time.buffer).not.toBe(shifted.buffer);
    expect(decoded.columns.close?.buffer).toBe(decoded.time.buffer);
  });

  it("is deterministic", () => {
    expect(encodeShard(sample)).toEqual(encodeShard(decodeShard(encodeShard(sample))));
  });

  it.each<[string, Series, string]>([
    ["too many columns", { key: "k", time: new Float64Array(0), columns: Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`c${i}`, new Float64Array(0)])) }, "257 columns"],
    ["mismatched lengths", { key: "k", time: new Float64Array(2), columns: { a: new Float64Array(1) } }, `column "a" has 1 rows`],
    ["long key", { key: "k".repeat(257), time: new Float64Array(0), columns: {} }, "longer than 256 bytes"],
    ["column named time", { key: "k", time: new Float64Array(0), columns: { time: new Float64Array(0) } }, "reserved"],
    ["unsorted time", { key: "k", time: new Float64Array([2, 1]), columns: {} }, "time at row 1"],
    ["NaN time", { key: "k", time: new Float64Array([NaN]), columns: {} }, "time at row 0"],
  ])("refuses to encode %s", (_name, series, message) => {
    expect(() => encodeShard(series)).toThrow(ShardError);
    expect(() => encodeShard(series)).toThrow(message);
  });
});

describe("decodeShard rejects malformed input", () => {
  const good = encodeShard(sample);
  const patched = (patch: (view: DataView, bytes: Uint8Array) => void): Uint8Array => {
    const bytes = good.slice();
    patch(header(bytes), bytes);
    return bytes;
  };

  it.each<[string, Uint8Array, string]>([
    ["empty input", new Uint8Array(0), "truncated"],
    ["bad magic", patched((_, b) => void (b[0] = 0x58)), "bad magic"],
    ["future version", patched((v) => v.setUint16(4, 2, true)), "version 2"],
    ["unknown flags", patched((v) => v.setUint16(6, 1, true)), "flags 1"],
    ["zero columns", patched((v) => v.setUint16(12, 0, true)), "0 columns"],
    ["too many columns", patched((v) => v.setUint16(12, 257, true)), "257 columns"],
    ["more rows than bytes", patched((v) => v.setUint32(8, 4, true)), "expected"],
    ["huge row count", patched((v) => v.setUint32(8, 0xffffffff, true)), "expected"],
    ["oversized name", patched((v) => v.setUint16(14, 300, true)), "300 bytes"],
    ["first column not time", patched((_, b) => void (b[22] = 0x54)), `"Time"`],
    ["invalid UTF-8", patched((_, b) => void (b[16] = 0xff)), "UTF-8"],
    ["non-zero padding", patched((_, b) => void (b[45] = 1)), "padding"],
    ["trailing byte", new Uint8Array([...good, 0]), "expected"],
    ["unsorted time", patched((v) => v.setFloat64(56, 0.5, true)), "time at row 1"],
    ["duplicate column names", withDuplicateNames(), "duplicate"],
  ])("%s", (_name, bytes, message) => {
    expectShardError(bytes, message);
  });

  it("throws ShardError for every truncation", () => {
    for (let length = 0; length < good.byteLength; length++) expectShardError(good.subarray(0, length));
  });

  it("throws only ShardError, or decodes, under random corruption", () => {
    const next = random(7);
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = good.slice();
      const flips = 1 + Math.floor(next() * 4);
      for (let f = 0; f < flips; f++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      const cut = next() < 0.2 ? bytes.subarray(0, Math.floor(next() * bytes.length)) : bytes;
      try {
        const series = decodeShard(cut);
        expect(series.time.length).toBe(3);
      } catch (error) {
        expect(error).toBeInstanceOf(ShardError);
      }
    }
  });

  it("throws only ShardError on random bytes after a valid magic", () => {
    const next = random(11);
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = Uint8Array.from({ length: Math.floor(next() * 80) }, () => Math.floor(next() * 256));
      bytes.set([0x53, 0x48, 0x52, 0x44, 1, 0, 0, 0].slice(0, bytes.length));
      expect(() => decodeShard(bytes)).toThrow(ShardError);
    }
  });
});

/** A valid shard whose second column name is overwritten with the third's. */
function withDuplicateNames(): Uint8Array {
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
  const bytes = encodeShard({ ...sample, columns: { close: sample.columns.close!, other: sample.columns.volume! } });
  bytes.set(encode("other"), indexOf(bytes, encode("close")));
  return bytes;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((byte, j) => haystack[i + j] === byte)) return i;
  }
  return -1;
}
