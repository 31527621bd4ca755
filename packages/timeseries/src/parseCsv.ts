import { CsvIngest, type CsvOptions } from "./CsvIngest.ts";
import type { Dataset } from "./Series.ts";

/** Parses a whole CSV text at once; see CsvIngest for the format and errors. */
export function parseCsv(text: string, opts: CsvOptions): Dataset {
  const ingest = new CsvIngest(opts);
  ingest.push(text);
  return ingest.finish();
}
