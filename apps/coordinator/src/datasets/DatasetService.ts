import type { DatasetId, ShardHash } from "@shoal/protocol";
import { asDatasetId, asShardHash } from "@shoal/protocol";
import type { PlannedSeries } from "@shoal/scheduler";
import { decodeShard, encodeShard, shardHash } from "@shoal/timeseries";
import { newId } from "../newId.ts";
import type { DatasetRecord, IngestOptions, SeriesRecord, Store } from "../store/Store.ts";
import { mapLimited } from "./mapLimited.ts";
import { readCsvUpload } from "./readCsvUpload.ts";
import type { ShardFiles } from "./ShardFiles.ts";

/** Shard files written or read at once by an upload or a job's planning. */
export const SHARD_IO = 8;

/** What an upload may hold: its bytes, and the series in it. */
export interface UploadLimits {
  maxUploadBytes: number;
  maxSeries: number;
}

/** An upload's outcome: the dataset, and whether it is new (false when the same bytes and options were stored before). */
export interface UploadOutcome {
  dataset: DatasetRecord;
  created: boolean;
}

/**
 * Datasets from CSV uploads: each series becomes one shard file, written before the dataset's
 * rows are committed, so a dataset in the store always has its shards. Uploads of the same bytes
 * read with the same options return the dataset already stored.
 */
export class DatasetService {
  readonly #store: Store;
  readonly #shards: ShardFiles;
  readonly #limits: UploadLimits;

  constructor(store: Store, shards: ShardFiles, limits: UploadLimits) {
    this.#store = store;
    this.#shards = shards;
    this.#limits = limits;
  }

  async upload(body: AsyncIterable<Uint8Array>, options: IngestOptions): Promise<UploadOutcome> {
    const { dataset, hash, bytes } = await readCsvUpload(body, options, this.#limits);
    const existing = this.#store.findDataset(hash, options);
    if (existing) return { dataset: existing, created: false };
    const series = await mapLimited(dataset.series, SHARD_IO, async (s): Promise<SeriesRecord> => {
      const shardBytes = encodeShard(s);
      const shard = asShardHash(await shardHash(shardBytes));
      await this.#shards.write(shard, shardBytes);
      return { key: s.key, rows: s.time.length, from: s.time[0] ?? 0, to: s.time.at(-1) ?? 0, shard };
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

  get(id: DatasetId): DatasetRecord | undefined {
    return this.#store.getDataset(id);
  }

  /**
   * What the planner needs of each series: key, timestamps (read from its shard) and shard hash.
   * At most {@link SHARD_IO} shards are read at once, however many series the dataset has.
   */
  async plannedSeries(dataset: DatasetRecord): Promise<PlannedSeries[]> {
    return mapLimited(dataset.series, SHARD_IO, async (s) => ({ key: s.key, time: decodeShard(await this.#shards.read(s.shard)).time, shard: s.shard as ShardHash }));
  }
}
