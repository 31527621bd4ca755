import type { MessagePort } from "node:worker_threads";
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import type { PgReply, PgRequest, PgThreadData, SqlResult } from "./pgMessages.ts";

/**
 * The thread of {@link SyncPostgres}: owns one `pg` connection, runs each request's statements in
 * order, posts the reply on the port it was given and raises the shared flag, which wakes the
 * coordinator's thread blocked in `Atomics.wait`. Requests are queued, so they run one at a time.
 */
const data = workerData as PgThreadData & { port: MessagePort };
if (!parentPort) throw new Error("pgThread must run in a worker thread");
const { port } = data;
const flag = new Int32Array(data.flag);

// Counts and sums come back as int8/numeric text by default; the store's figures are safe integers.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);

let client: pg.Client | undefined;
/** Why the connection was lost, while it is. */
let lost: string | undefined;
let queue = Promise.resolve();

function reply(message: PgReply): void {
  port.postMessage(message);
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
}

async function connect(): Promise<pg.Client> {
  const next = new pg.Client({ connectionString: data.url, connectionTimeoutMillis: data.connectTimeoutMs, statement_timeout: data.queryTimeoutMs });
  next.on("error", (error) => {
    // A replaced connection's last words are not about the current one.
    if (client === next) lost = error.message;
  });
  await next.connect();
  lost = undefined;
  return next;
}

async function run(request: PgRequest & { type: "run" }): Promise<PgReply> {
  try {
    if (lost !== undefined) {
      if (!request.reconnect) throw new Error(`the connection to PostgreSQL was lost inside a transaction (${lost})`);
      void client?.end().catch(() => undefined);
      client = undefined;
    }
    client ??= await connect();
    const c = client;
    for (const text of request.prefix) await c.query(text);
    if (request.guard) await c.query("SAVEPOINT shoal_statement");
    const results: SqlResult[] = [];
    try {
      for (const s of request.statements) {
        const r = await c.query({ text: s.text, values: s.params as unknown[] | undefined });
        results.push({ rows: r.rows as Record<string, unknown>[], rowCount: r.rowCount ?? 0 });
      }
    } catch (error) {
      if (request.guard && lost === undefined) await c.query("ROLLBACK TO SAVEPOINT shoal_statement").catch(() => undefined);
      throw error;
    }
    if (request.guard) await c.query("RELEASE SAVEPOINT shoal_statement");
    return { id: request.id, ok: true, results };
  } catch (error) {
    const e = error as Error & { code?: unknown };
    if (client && lost === undefined && /terminat|ECONNRESET|Connection terminated/i.test(e.message)) lost = e.message;
    return typeof e.code === "string" ? { id: request.id, ok: false, message: e.message, code: e.code } : { id: request.id, ok: false, message: e.message };
  }
}

port.on("message", (request: PgRequest) => {
  queue = queue.then(async () => {
    if (request.type === "close") {
      await client?.end().catch(() => undefined);
      client = undefined;
      reply({ id: request.id, ok: true, results: [] });
      port.close();
      return;
    }
    reply(await run(request));
  });
});
