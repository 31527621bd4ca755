import type { IngestOptions } from "./Store.ts";

/** The ingest options as one canonical string, so uploads of the same bytes read the same way dedupe. */
export function ingestKey(options: IngestOptions): string {
  return JSON.stringify([options.name, options.keyColumn?.toLowerCase() ?? null, options.timeColumn?.toLowerCase() ?? null]);
}
