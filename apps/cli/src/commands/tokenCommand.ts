import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadCoordinator } from "../loadCoordinator.ts";
import { storeUrl } from "../storeUrl.ts";
import { argsError, UsageError } from "../UsageError.ts";

export const TOKEN_HELP = `usage: shoal token create [--data-dir D | --store URL] [--label TEXT]

Makes an author token for the coordinator whose data is in D (default ./data), or whose store is
the PostgreSQL database at URL (or SHOAL_STORE_URL), and prints it. Only its hash is stored; the
token works at once, even while the coordinator runs.`;

/** `shoal token create`: adds an author token to a coordinator's store and prints it. */
export async function tokenCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { "data-dir": { type: "string" }, store: { type: "string" }, label: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    throw argsError(error, "token");
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${TOKEN_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== "create") throw new UsageError("expected 'shoal token create' (see shoal token --help)");
  const dataDir = values["data-dir"] ?? "./data";
  const url = storeUrl(values.store);
  const { createAuthorToken, SqliteStore, PostgresStore, PostgresUnavailableError } = await loadCoordinator("token");
  if (url === undefined) mkdirSync(dataDir, { recursive: true });
  let store;
  try {
    store = url === undefined ? new SqliteStore(join(dataDir, "shoal.db")) : new PostgresStore(url);
  } catch (error) {
    if (!(error instanceof PostgresUnavailableError)) throw error;
    process.stderr.write(`shoal: ${error.message}\n`);
    return 1;
  }
  try {
    process.stdout.write(`${createAuthorToken(store, values.label ?? "shoal token create")}\n`);
  } finally {
    store.close();
  }
  return 0;
}
