import { createHash } from "node:crypto";
import type { Dataset } from "@shoal/timeseries";
import { CsvError, CsvIngest } from "@shoal/timeseries";
import type { IngestOptions } from "../store/Store.ts";
import type { UploadLimits } from "./DatasetService.ts";
import { UploadError } from "./UploadError.ts";

/** A CSV upload read to the end: the parsed dataset, the SHA-256 of its bytes and their count. */
export interface CsvUpload {
  dataset: Dataset;
  hash: string;
  bytes: number;
}

/**
 * Streams an upload through CsvIngest while hashing it, without holding the text. Throws
 * {@link UploadError}: too large past `maxUploadBytes`, else invalid UTF-8 or the first bad row
 * (or the first key past `maxSeries`) with its line; with `after` (appends), also the first row
 * whose time does not follow its series' last one.
 */
export async function readCsvUpload(body: AsyncIterable<Uint8Array>, options: IngestOptions, limits: UploadLimits, after?: (key: string) => number | undefined): Promise<CsvUpload> {
  const maxBytes = limits.maxUploadBytes;
  const ingest = new CsvIngest({ ...csvOptions(options), maxSeries: limits.maxSeries, ...(after === undefined ? {} : { after }) });
  const hash = createHash("sha256");
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw new UploadError(`upload is larger than ${maxBytes} bytes`, { tooLarge: true });
      hash.update(chunk);
      ingest.push(decoder.decode(chunk, { stream: true }));
    }
    ingest.push(decoder.decode());
    const dataset = ingest.finish();
    if (dataset.rows === 0) throw new UploadError("line 2: the file has a header but no data rows", { line: 2 });
    return { dataset, hash: hash.digest("hex"), bytes };
  } catch (error) {
    if (error instanceof CsvError) throw new UploadError(error.message, { line: error.line });
    if (error instanceof TypeError && /decode|encoded/i.test(error.message)) throw new UploadError("upload is not UTF-8 text");
    throw error;
  }
}

function csvOptions(options: IngestOptions): ConstructorParameters<typeof CsvIngest>[0] {
  const csv: ConstructorParameters<typeof CsvIngest>[0] = { defaultKey: options.name };
  if (options.keyColumn !== undefined) csv.keyColumn = options.keyColumn;
  if (options.timeColumn !== undefined) csv.timeColumn = options.timeColumn;
  return csv;
}
