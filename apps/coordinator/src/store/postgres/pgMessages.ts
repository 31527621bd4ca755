/** One SQL statement with its `$n` parameters. */
export interface SqlStatement {
  text: string;
  params?: readonly unknown[];
}

/** What a statement gave back: its rows (column name to value) and how many rows it changed or returned. */
export interface SqlResult<Row = Record<string, unknown>> {
  rows: Row[];
  rowCount: number;
}

/**
 * A request to the PostgreSQL thread: statements run one after another on its one connection,
 * after `prefix` (the BEGIN or SAVEPOINT of transactions opened since the last request).
 * `reconnect` allows a fresh connection when the last one was lost, which is safe only outside a
 * transaction (inside one, the statements before the loss are gone with it). `guard` (inside a
 * transaction) wraps the statements in a savepoint rolled back when one fails, so a refused
 * statement undoes only itself, as in SQLite, instead of aborting the whole transaction.
 */
export type PgRequest =
  | { id: number; type: "run"; prefix: string[]; statements: SqlStatement[]; reconnect: boolean; guard: boolean }
  | { id: number; type: "listen"; channel: string }
  | { id: number; type: "close" };

/** The thread's answer to the request `id`: every statement's result, or the first failure. */
export type PgReply = { id: number; ok: true; results: SqlResult[] } | { id: number; ok: false; message: string; code?: string };

/**
 * What the thread posts on its notification port, apart from replies: a `NOTIFY` on a channel
 * listened to, or `listening` each time its listening connection is (re)established, after which
 * notifications sent while it was down are lost (a listener reloads what it follows).
 */
export type PgNotice = { type: "notification"; channel: string; payload: string } | { type: "listening" };

/** How long the listening connection waits before its first reconnection, and at most between two (doubling in between). */
export const LISTEN_BACKOFF = { firstMs: 100, maxMs: 5_000 };

/** What the thread is started with: the connection URL, the flag it raises after each reply, its reply port. */
export interface PgThreadData {
  url: string;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  flag: SharedArrayBuffer;
}
