// bench/append: what appending 1,000 bars costs as the series grows. A real DatasetService on
// SQLite and shard files on disk (no HTTP): one series of 10k, 100k or 1M one-minute bars is
// uploaded as CSV, then 1,000 more bars are appended 15 times, each timed in full (parsing the
// CSV, checking times, writing chunks and the manifest, committing the version). Beside it, what
// the same append cost when every version stored its series whole (before chunks): read the old
// series, join the new rows, encode, hash and write the whole shard. Prints medians and the bytes
// each append wrote; the chunked append should not grow with the series, the whole rewrite should.
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { readFile, writeFile } from "node:fs/promises";
import type { DatasetId } from "@shoal/protocol";
import { decodeShard, encodeShard, joinSeries, shardHash, sliceRows } from "@shoal/timeseries";
import { DatasetService } from "../../apps/coordinator/src/datasets/DatasetService.ts";
import { SeriesChunks } from "../../apps/coordinator/src/datasets/SeriesChunks.ts";
import { ShardFiles } from "../../apps/coordinator/src/datasets/ShardFiles.ts";
import { SqliteStore } from "../../apps/coordinator/src/store/SqliteStore.ts";

const SIZES = process.env.SIZES ? process.env.SIZES.split(",").map(Number) : [10_000, 100_000, 1_000_000];
const APPENDS = 15;
const REWRITES = 3;
const BARS = 1_000;
const START = 1_000_000_000;

/** CSV of `rows` one-minute bars from bar `from` on (epoch seconds), OHLCV columns. */
function bars(from: number, rows: number): Uint8Array {
  const lines = ["time,open,high,low,close,volume"];
  for (let i = from; i < from + rows; i++) {
    const p = (100 + Math.sin(i / 500) * 10).toFixed(4);
    lines.push(`${START + i * 60},${p},${p},${p},${p},${1000 + (i % 97)}`);
  }
  return new TextEncoder().encode(`${lines.join("\n")}\n`);
}

async function* body(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 1 << 20) yield bytes.subarray(at, at + (1 << 20));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const dirBytes = (dir: string) => readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);

const rows: string[][] = [];
// A first, untimed round on a small series, so the JIT has compiled the append path before the table's rows.
for (const size of [2_000, ...SIZES]) {
  const root = mkdtempSync(join(tmpdir(), "shoal-bench-append-"));
  const store = new SqliteStore(join(root, "shoal.db"));
  const files = new ShardFiles(join(root, "shards"), join(root, "tmp"));
  const datasets = new DatasetService(store, files, { maxUploadBytes: 1 << 30, maxSeries: 10 });
  let latest = (await datasets.upload(body(bars(0, size)), { name: "bars" })).dataset;
  const chunked: number[] = [];
  const written: number[] = [];
  for (let a = 0; a < APPENDS; a++) {
    const csv = bars(size + a * BARS, BARS);
    const before = dirBytes(join(root, "shards"));
    const started = performance.now();
    latest = await datasets.append(latest.id as DatasetId, body(csv));
    chunked.push(performance.now() - started);
    written.push(dirBytes(join(root, "shards")) - before);
  }
  // The whole-series rewrite each version used to make, on the same data: read the previous
  // version's whole shard, join the new bars, encode, hash and write the new whole shard.
  const all = await new SeriesChunks(files).read(latest.series[0]!.chunks!);
  const previous = encodeShard(sliceRows(all, 0, all.time.length - BARS));
  await writeFile(join(root, "previous"), previous);
  const added = sliceRows(all, all.time.length - BARS, all.time.length);
  const whole: number[] = [];
  for (let a = 0; a < REWRITES; a++) {
    const started = performance.now();
    const bytes = encodeShard(joinSeries([decodeShard(new Uint8Array(await readFile(join(root, "previous")))), added]));
    await shardHash(bytes);
    await writeFile(join(root, `whole-${a}`), bytes);
    whole.push(performance.now() - started);
  }
  store.close();
  if (size === 2_000) continue;
  rows.push([
    size.toLocaleString("en"),
    `${median(chunked).toFixed(1)} ms`,
    `${Math.max(...chunked).toFixed(1)} ms`,
    `${(median(written) / 1024).toFixed(0)} KiB`,
    String(latest.series[0]!.chunks!.length),
    `${median(whole).toFixed(1)} ms`,
    `${((latest.rows * 6 * 8) / 1024 / 1024).toFixed(1)} MiB`,
  ]);
}

const header = ["series rows", "append 1,000 bars (chunks), median", "slowest", "bytes written (median)", "chunks after", "whole-series rewrite (before)", "bytes rewritten (before)"];
console.log(`| ${header.join(" | ")} |\n| ${header.map(() => "---").join(" | ")} |`);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
console.log(`\nmedian of ${APPENDS} appends each (the rewrite: of ${REWRITES}); chunks sealed at 65,536 rows; SQLite and shard files on local disk; loadavg ${loadavg().map((x) => x.toFixed(2)).join(" ")}\n`);
