import { join } from "node:path";
import type { TaskHistoryStore } from "../tasks/TaskHistoryStore.ts";
import { PostgresTaskHistoryStore } from "../tasks/PostgresTaskHistoryStore.ts";
import { SqliteTaskHistoryStore } from "../tasks/SqliteTaskHistoryStore.ts";
import { PostgresShardBlobs } from "./postgres/PostgresShardBlobs.ts";
import { PostgresStore } from "./postgres/PostgresStore.ts";
import { checkPostgresUrl, redactUrl } from "./postgres/postgresUrl.ts";
import { SqliteStore } from "./SqliteStore.ts";
import type { Store } from "./Store.ts";

/** A coordinator's store and task history, and where they are, fit for logs (no password). */
export interface OpenStores {
  store: Store;
  /** Set when the store is PostgreSQL's: the same store, for the job leases. */
  postgres?: PostgresStore;
  history: TaskHistoryStore;
  /** Set on PostgreSQL: shards' bytes in the database, so any coordinator on it serves any shard. */
  sharedShards?: PostgresShardBlobs;
  where: string;
}

/**
 * Opens the store and the task history: on PostgreSQL when `url` is given (a `postgres://` URL,
 * checked first), else in SQLite's `shoal.db` in `dataDir`. Throws a clear error, naming the URL
 * without its password, when the database is out of reach. `node` names this coordinator process's
 * scheduler log on PostgreSQL.
 */
export function openStores(dataDir: string, url?: string, node?: string): OpenStores {
  if (url === undefined) {
    const path = join(dataDir, "shoal.db");
    const store = new SqliteStore(path);
    return { store, history: new SqliteTaskHistoryStore(path), where: path };
  }
  checkPostgresUrl(url);
  const store = new PostgresStore(url, node === undefined ? {} : { node });
  let history: PostgresTaskHistoryStore | undefined;
  try {
    history = new PostgresTaskHistoryStore(url);
    return { store, postgres: store, history, sharedShards: new PostgresShardBlobs(url), where: redactUrl(url) };
  } catch (error) {
    history?.close();
    store.close();
    throw error;
  }
}
