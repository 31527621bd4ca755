import type { MessagePort } from "node:worker_threads";
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import type { PgNotice, PgReply, PgRequest, PgThreadData, SqlResult } from "./pgMessages.ts";
import { LISTEN_BACKOFF } from "./pgMessages.ts";

/**
 * The thread of {@link SyncPostgres}: owns one `pg` connection, runs each request's statements in
 * order, posts the reply on the port it was given and raises the shared flag, which wakes the
 * coordinator's thread blocked in `Atomics.wait`. Requests are queued, so they run one at a time.
 * Channels listened to get a second connection of their own, kept up with backoff; their
 * notifications go out on the notice port, which the coordinator's thread reads asynchronously.
 */
const data = workerData as PgThreadData & { port: MessagePort; notices: MessagePort };
if (!parentPort) throw new Error("pgThread must run in a worker thread");
const { port, notices } = data;
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

/** Channels to listen to, the connection listening to them while it is up, and the wait before the next try. */
const channels = new Set<string>();
let listener: pg.Client | undefined;
let connecting = false;
let backoffMs = LISTEN_BACKOFF.firstMs;
let retry: NodeJS.Timeout | undefined;
let closing = false;

function notice(message: PgNotice): void {
  notices.postMessage(message);
}

/** Opens the listening connection and listens to every channel; on failure, or when it drops later, tries again after a doubling wait. */
async function listen(): Promise<void> {
  if (closing || listener || connecting || channels.size === 0) return;
  connecting = true;
  const next = new pg.Client({ connectionString: data.url, connectionTimeoutMillis: data.connectTimeoutMs, application_name: "shoal-listen" });
  let down = false;
  const fail = () => {
    if (down) return;
    down = true;
    if (listener === next) listener = undefined;
    void next.end().catch(() => undefined);
    if (closing) return;
    retry = setTimeout(() => void listen(), backoffMs);
    backoffMs = Math.min(backoffMs * 2, LISTEN_BACKOFF.maxMs);
  };
  next.on("error", fail);
  next.on("end", fail);
  next.on("notification", (n) => notice({ type: "notification", channel: n.channel, payload: n.payload ?? "" }));
  try {
    await next.connect();
    for (const channel of channels) await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
    if (down) return;
    listener = next;
    backoffMs = LISTEN_BACKOFF.firstMs;
    notice({ type: "listening" });
  } catch {
    fail();
  } finally {
    connecting = false;
  }
}

/** Adds a channel: on the listening connection now if it is up, else when it next connects. Never fails (the connection retries). */
async function addChannel(channel: string): Promise<void> {
  if (channels.has(channel)) return;
  channels.add(channel);
  const current = listener;
  // A failed LISTEN ends the connection: the next one listens to every channel.
  if (current) await current.query(`LISTEN ${current.escapeIdentifier(channel)}`).catch(() => current.end().catch(() => undefined));
  else await listen();
}

port.on("message", (request: PgRequest) => {
  queue = queue.then(async () => {
    if (request.type === "listen") {
      // Answered at once: the listening connection comes up (or keeps trying) on its own.
      reply({ id: request.id, ok: true, results: [] });
      void addChannel(request.channel);
      return;
    }
    if (request.type === "close") {
      closing = true;
      clearTimeout(retry);
      await listener?.end().catch(() => undefined);
      listener = undefined;
      notices.close();
      await client?.end().catch(() => undefined);
      client = undefined;
      reply({ id: request.id, ok: true, results: [] });
      port.close();
      return;
    }
    reply(await run(request));
  });
});
