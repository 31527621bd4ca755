import type { DatasetId, ShardHash } from "@shoal/protocol";
import { asDatasetId } from "@shoal/protocol";
import type { PlannedSeries } from "@shoal/scheduler";
import { createHash } from "node:crypto";
import type { Series } from "@shoal/timeseries";
import { newId } from "../newId.ts";
import type { ChunkRecord, DatasetRecord, IngestOptions, SeriesRecord, Store } from "../store/Store.ts";
import { AppendError } from "./AppendError.ts";
import { mapLimited } from "./mapLimited.ts";
import { readCsvUpload } from "./readCsvUpload.ts";
import type { ShardFiles } from "./ShardFiles.ts";
import { SeriesChunks } from "./SeriesChunks.ts";
import { UploadError } from "./UploadError.ts";

/** Shard files written or read at once by an upload or a job's planning. */
export const SHARD_IO = 8;

/** What an upload may hold: its bytes, and the series in it. */
export interface UploadLimits {
  maxUploadBytes: number;
  maxSeries: number;
  /** Rows at which a chunk is sealed (default {@link CHUNK_ROWS}); tests make it small. */
  chunkRows?: number;
}

/** An upload's outcome: the dataset, and whether it is new (false when the same bytes and options were stored before). */
export interface UploadOutcome {
  dataset: DatasetRecord;
  created: boolean;
}

/**
 * Datasets from CSV uploads: each series becomes immutable chunk files ({@link SeriesChunks}),
 * written before the dataset's rows are committed, so a dataset in the store always has its
 * chunks. Uploads of the same bytes read with the same options return the dataset already stored.
 * Appends make a new version: a new dataset whose `parent` is the old one, sharing the old one's
 * chunks but its tail, which stays readable with them.
 */
export class DatasetService {
  readonly #store: Store;
  readonly #chunks: SeriesChunks;
  readonly #limits: UploadLimits;
  readonly #appended = new Set<(dataset: DatasetRecord) => void>();

  constructor(store: Store, shards: ShardFiles, limits: UploadLimits) {
    this.#store = store;
    this.#chunks = new SeriesChunks(shards, limits.chunkRows);
    this.#limits = limits;
  }

  async upload(body: AsyncIterable<Uint8Array>, options: IngestOptions): Promise<UploadOutcome> {
    const { dataset, hash, bytes } = await readCsvUpload(body, options, this.#limits);
    const existing = this.#store.findDataset(hash, options);
    if (existing) return { dataset: existing, created: false };
    const series = await mapLimited(dataset.series, SHARD_IO, async (s): Promise<SeriesRecord> => {
      const { shard, chunks } = await this.#chunks.write(s);
      return { key: s.key, rows: s.time.length, from: s.time[0] ?? 0, to: s.time.at(-1) ?? 0, shard, chunks };
    });
    const record: DatasetRecord = {
      id: asDatasetId(newId("d")),
      name: options.name,
      hash,
      options,
      columns: dataset.columns,
      rows: dataset.rows,
      bytes,
      series,
      createdAt: new Date().toISOString(),
    };
    return this.#store.transaction(() => {
      const raced = this.#store.findDataset(hash, options);
      if (raced) return { dataset: raced, created: false };
      this.#store.insertDataset(record);
      return { dataset: record, created: true };
    });
  }

  /**
   * Adds the rows of a CSV (same columns, read with the dataset's own options) to a dataset as a
   * new version: series it names get the rows after their last time as new chunks (their sealed
   * chunks are shared, never read), new keys become new series, the others keep their chunks (so
   * volunteers keep what they cached). The cost follows the new rows, not the series' length. Every row's time must come
   * after its series' last one, and only the latest version takes an append (a linear history):
   * anything else is refused before the new version exists, so nothing is half applied.
   */
  async append(parentId: DatasetId, body: AsyncIterable<Uint8Array>): Promise<DatasetRecord> {
    const parent = this.#latest(parentId);
    const last = new Map(parent.series.map((s) => [s.key, s.to]));
    const { dataset, hash, bytes } = await readCsvUpload(body, parent.options, this.#limits, (key) => last.get(key));
    if (dataset.columns.join("\u0000") !== parent.columns.join("\u0000")) {
      throw new UploadError(`line 1: the columns ${JSON.stringify(dataset.columns)} differ from the dataset's ${JSON.stringify(parent.columns)}`, { line: 1 });
    }
    const added = new Map(dataset.series.map((s) => [s.key, s]));
    const keys = [...new Set([...last.keys(), ...added.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (keys.length > this.#limits.maxSeries) throw new UploadError(`the append would give the dataset ${keys.length} series; the limit is ${this.#limits.maxSeries}`);
    const old = new Map(parent.series.map((s) => [s.key, s]));
    const series = await mapLimited(keys, SHARD_IO, async (key): Promise<SeriesRecord> => {
      const before = old.get(key);
      const rows = added.get(key);
      if (!rows) return before as SeriesRecord;
      const { shard, chunks } = await this.#chunks.append(before ? chunksOf(before) : [], rows);
      const from = before ? before.from : (rows.time[0] ?? 0);
      return { key, rows: (before?.rows ?? 0) + rows.time.length, from, to: rows.time.at(-1) ?? 0, shard, chunks };
    });
    const record: DatasetRecord = {
      id: asDatasetId(newId("d")),
      name: parent.name,
      hash: createHash("sha256").update(`${parent.hash}+${hash}`).digest("hex"),
      options: parent.options,
      columns: parent.columns,
      rows: parent.rows + dataset.rows,
      bytes: parent.bytes + bytes,
      series,
      createdAt: new Date().toISOString(),
      parent: parent.id,
      version: (parent.version ?? 1) + 1,
    };
    this.#store.transaction(() => {
      this.#latest(parentId);
      this.#store.insertDataset(record);
    });
    for (const listener of this.#appended) listener(record);
    return record;
  }

  /** Called with every new version an append stores, after it is committed. */
  onAppended(listener: (dataset: DatasetRecord) => void): () => void {
    this.#appended.add(listener);
    return () => this.#appended.delete(listener);
  }

  /** The dataset if it is the latest version; a 404 or a 409 naming the newer version otherwise. */
  #latest(id: DatasetId): DatasetRecord {
    const dataset = this.#store.getDataset(id);
    if (!dataset) throw new AppendError(`no dataset ${id}`, 404);
    const child = this.#store.childOf(id);
    if (child) throw new AppendError(`dataset ${id} is not the latest version: ${child} was appended to it; append to the latest version`, 409);
    return dataset;
  }

  get(id: DatasetId): DatasetRecord | undefined {
    return this.#store.getDataset(id);
  }

  /**
   * What the planner needs of each series — key, timestamps (read from its chunks) and the address
   * volunteers fetch — with the series' columns, which the task memo hashes. The columns are views
   * of the same bytes the timestamps keep alive, so they cost nothing more. At most
   * {@link SHARD_IO} series are read at once, however many the dataset has.
   */
  async plannedSeries(dataset: DatasetRecord): Promise<Array<PlannedSeries & { series: Series }>> {
    return mapLimited(dataset.series, SHARD_IO, async (s) => {
      const series = await this.#chunks.read(chunksOf(s));
      return { key: s.key, time: series.time, shard: s.shard as ShardHash, series };
    });
  }
}

/** A series' chunks: those it lists, or its shard as its one chunk when it was stored before chunks. */
function chunksOf(series: SeriesRecord): ChunkRecord[] {
  return series.chunks ?? [{ hash: series.shard, rows: series.rows }];
}
