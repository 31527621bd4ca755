import { createReadStream } from "node:fs";
import { basename, extname } from "node:path";
import type { Dataset } from "@shoal/timeseries";
import { CsvError, CsvIngest } from "@shoal/timeseries";
import { UsageError } from "../UsageError.ts";

/** Streams a CSV file into a dataset; bad rows become a UsageError naming the file and line. */
export async function readCsvFile(path: string, columns: { keyColumn?: string; timeColumn?: string }): Promise<Dataset> {
  const ingest = new CsvIngest({ defaultKey: basename(path, extname(path)), ...definedOnly(columns) });
  try {
    const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
    for await (const chunk of stream) ingest.push(chunk as string);
    return ingest.finish();
  } catch (error) {
    if (error instanceof CsvError) throw new UsageError(`${path}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "EACCES") throw new UsageError(`${path}: ${(error as Error).message}`);
    throw error;
  }
}

function definedOnly(columns: { keyColumn?: string; timeColumn?: string }): { keyColumn?: string; timeColumn?: string } {
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}
