import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { ShoalApiError, ShoalClient } from "@shoal/client";
import { argsError, UsageError } from "../UsageError.ts";

export const APPEND_HELP = `usage: shoal append --coordinator URL --token T DATASET FILE.csv

  --coordinator URL          the coordinator, e.g. http://localhost:8080
  --token T                  an author token (or set SHOAL_TOKEN)

Appends the rows of FILE.csv (the dataset's columns) to dataset DATASET as a new version and
prints the new version's id on stdout. Rows of a series must come after its last time; new keys
become new series. Only the latest version takes an append; older versions stay readable.
Submitting a job on the new version (shoal submit --dataset ID) reuses the tasks whose rows did
not change. exit 2 on bad arguments or rows (the error names the line), 1 if the coordinator fails.`;

/** `shoal append`: adds rows to a dataset on the grid as a new version. */
export async function appendCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { coordinator: { type: "string" }, token: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    throw argsError(error, "append");
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${APPEND_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError(`expected DATASET FILE.csv, got ${positionals.length} arguments (see shoal append --help)`);
  const [dataset, path] = positionals as [string, string];
  if (!values.coordinator) throw new UsageError("--coordinator URL is required (see shoal append --help)");
  if (!/^https?:\/\/[^/]/.test(values.coordinator)) throw new UsageError(`--coordinator ${values.coordinator}: expected an http:// or https:// URL`);
  const token = values.token ?? process.env.SHOAL_TOKEN;
  if (!token) throw new UsageError("--token T (or SHOAL_TOKEN) is required");
  await stat(path).catch((error: Error) => {
    throw new UsageError(`${path}: ${error.message}`);
  });
  const client = new ShoalClient({ url: values.coordinator.replace(/\/+$/, ""), token });
  try {
    const version = await client.appendDataset(dataset, Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>);
    process.stderr.write(`shoal: appended ${path} to ${dataset}: version ${version.version ?? 1} is dataset ${version.id} (${version.series.length} series, ${version.rows} rows)\n`);
    process.stdout.write(`${version.id}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ShoalApiError && error.status === 401) throw new UsageError(`the coordinator refused the token: ${error.message}`);
    if (error instanceof ShoalApiError && error.status >= 400 && error.status < 500) throw new UsageError(`${path}: ${error.message}`);
    process.stderr.write(`shoal: ${values.coordinator}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
