import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Series } from "@shoal/timeseries";
import { decodeManifest, sliceRows } from "@shoal/timeseries";
import { SeriesChunks } from "./SeriesChunks.ts";
import { ShardFiles } from "./ShardFiles.ts";

/** A series of `rows` rows, times from `start`, with a close column derived from the time. */
function rowsFrom(start: number, rows: number): Series {
  const time = Float64Array.from({ length: rows }, (_, i) => start + i);
  return { key: "k", time, columns: { close: time.map((t) => Math.sin(t) * 100) } };
}

function open(chunkRows: number): { chunks: SeriesChunks; files: ShardFiles; dir: string } {
  const root = mkdtempSync(join(tmpdir(), "shoal-chunks-"));
  const files = new ShardFiles(join(root, "shards"), join(root, "tmp"));
  return { chunks: new SeriesChunks(files, chunkRows), files, dir: join(root, "shards") };
}

describe("SeriesChunks", () => {
  it("cuts an upload into sealed chunks and a tail, addressed by a manifest that lists them", async () => {
    const { chunks, files } = open(4);
    const stored = await chunks.write(rowsFrom(0, 10));
    expect(stored.chunks.map((c) => c.rows)).toEqual([4, 4, 2]);
    expect(decodeManifest(await files.read(stored.shard))).toEqual(stored.chunks);
    expect(Array.from((await chunks.read(stored.chunks)).time)).toEqual(Array.from(rowsFrom(0, 10).time));
  });

  it("addresses a series of one chunk by the chunk itself", async () => {
    const { chunks } = open(4);
    const stored = await chunks.write(rowsFrom(0, 3));
    expect(stored.shard).toBe(stored.chunks[0]?.hash);
  });

  it("appends without touching sealed chunks, and every version reads back as the whole series", async () => {
    const { chunks, dir } = open(8);
    let version = await chunks.write(rowsFrom(0, 20));
    const sealed = version.chunks.slice(0, 2);
    const versions = [version];
    let rows = 20;
    for (const add of [1, 1, 3, 1, 2, 9, 1, 30]) {
      version = await chunks.append(version.chunks, rowsFrom(rows, add));
      rows += add;
      versions.push(version);
      expect(version.chunks.slice(0, 2)).toEqual(sealed);
      expect(version.chunks.reduce((n, c) => n + c.rows, 0)).toBe(rows);
      const tail = version.chunks.filter((c) => c.rows < 8).map((c) => c.rows);
      tail.forEach((r, i) => i > 0 && expect(tail[i - 1]).toBeGreaterThan(2 * r));
    }
    const whole = rowsFrom(0, rows);
    const last = await chunks.read(version.chunks);
    expect(Array.from(last.time)).toEqual(Array.from(whole.time));
    expect(Array.from(last.columns.close!)).toEqual(Array.from(whole.columns.close!));
    // Every old version is still readable, with exactly its own rows.
    let expected = 20;
    for (const [i, v] of versions.entries()) {
      const read = await chunks.read(v.chunks);
      expect(Array.from(read.columns.close!)).toEqual(Array.from(sliceRows(whole, 0, expected).columns.close!));
      expected += [1, 1, 3, 1, 2, 9, 1, 30][i] ?? 0;
    }
    expect(readdirSync(dir).length).toBeGreaterThan(version.chunks.length);
  });

  it("keeps the tail to a few chunks however many one-row appends come, rewriting each row O(log chunk) times", async () => {
    const { chunks } = open(256);
    let version = await chunks.write(rowsFrom(0, 1));
    let written = 1;
    for (let t = 1; t < 1200; t++) {
      const before = new Set(version.chunks.map((c) => c.hash));
      version = await chunks.append(version.chunks, rowsFrom(t, 1));
      written += version.chunks.filter((c) => !before.has(c.hash)).reduce((n, c) => n + c.rows, 0);
      const tail = version.chunks.filter((c) => c.rows < 256).map((c) => c.rows);
      tail.forEach((r, i) => i > 0 && expect(tail[i - 1]).toBeGreaterThan(2 * r));
      expect(tail.length).toBeLessThanOrEqual(8);
    }
    expect(version.chunks.reduce((n, c) => n + c.rows, 0)).toBe(1200);
    expect(version.chunks.slice(0, 2).map((c) => c.rows)).toEqual([256, 256]);
    // A row is rewritten when its chunk grows by half: at most log1.5(256) ≈ 14 times, plus its first write.
    expect(written / 1200).toBeLessThan(15);
  });

  it("refuses a chunk size that is not a positive integer", () => {
    const root = mkdtempSync(join(tmpdir(), "shoal-chunks-"));
    const files = new ShardFiles(join(root, "shards"), join(root, "tmp"));
    expect(() => new SeriesChunks(files, 0)).toThrow(/positive integer/);
  });
});
