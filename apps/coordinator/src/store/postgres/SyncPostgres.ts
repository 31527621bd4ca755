import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import type { PgNotice, PgReply, PgRequest, PgThreadData, SqlResult, SqlStatement } from "./pgMessages.ts";
import { redactUrl } from "./postgresUrl.ts";

const THREAD_ENTRY = new URL("./pgThread.mjs", import.meta.url);

/** How long {@link SyncPostgres} waits for PostgreSQL. */
export interface SyncPostgresOptions {
  /** To connect (and to start the thread). Default 10 s. */
  connectTimeoutMs?: number;
  /**
   * For one statement: the database cancels it then (`statement_timeout`, SQLSTATE 57014). Default
   * 60 s (a large scheduler snapshot's rows are single statements). The coordinator's thread waits
   * for the bridge's thread at most twice this plus a second, in case the thread itself is stuck.
   */
  queryTimeoutMs?: number;
}

/** A statement PostgreSQL refused, with its SQLSTATE code (`23505` for a duplicate key, …) when it gave one. */
export class PostgresError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = "PostgresError";
    this.code = code;
  }
}

/** The database named by a store URL could not be reached or refused the connection (bad password, no such database, down). */
export class PostgresUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PostgresUnavailableError";
  }
}

/**
 * A synchronous PostgreSQL connection, so that the coordinator's synchronous {@link Store} can sit
 * on it: a worker thread runs the `pg` client, and each call posts its statements there and blocks
 * in `Atomics.wait` until the thread raises a shared flag beside its reply (or the timeout passes,
 * which throws). One connection, so transactions (nested through savepoints) see their own writes;
 * inside one, a refused statement undoes only itself, as in SQLite.
 * The URL (which may carry a password) appears in errors only with the password masked.
 */
export class SyncPostgres {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #flag: Int32Array;
  readonly #waitMs: number;
  readonly #where: string;
  #next = 1;
  #depth = 0;
  /** BEGIN and SAVEPOINT statements of open transactions not sent yet: they go with the next request. */
  readonly #pending: string[] = [];
  #closed = false;
  /** Why the thread died, once it did (its error event arrives between calls, never during a wait). */
  #died: string | undefined;
  readonly #notices: MessagePort;
  /** Handlers of each channel listened to. */
  readonly #listeners = new Map<string, Set<(payload: string | undefined) => void>>();

  /** Starts the thread and connects; throws a clear error when the database cannot be reached. */
  constructor(url: string, options: SyncPostgresOptions = {}) {
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const queryTimeoutMs = options.queryTimeoutMs ?? 60_000;
    this.#waitMs = 2 * queryTimeoutMs + 1000;
    this.#where = redactUrl(url);
    const flag = new SharedArrayBuffer(4);
    this.#flag = new Int32Array(flag);
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    const notices = new MessageChannel();
    this.#notices = notices.port1;
    this.#notices.on("message", (notice: PgNotice) => this.#notice(notice));
    // Notifications never keep the process alive, as the thread does not.
    this.#notices.unref();
    const data: PgThreadData & { port: MessagePort; notices: MessagePort } = { url, connectTimeoutMs, queryTimeoutMs, flag, port: port2, notices: notices.port2 };
    this.#worker = new Worker(THREAD_ENTRY, { workerData: data, transferList: [port2, notices.port2] });
    this.#worker.unref();
    this.#worker.on("error", (error) => (this.#died = error.message));
    try {
      // The first request connects; the thread's start counts against the connect timeout too.
      this.#request([{ text: "SELECT 1" }], connectTimeoutMs + 5_000);
    } catch (error) {
      this.#stop();
      throw new PostgresUnavailableError(`cannot open the PostgreSQL store at ${this.#where}: ${(error as Error).message}`);
    }
  }

  /** Runs one statement and returns its result. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): SqlResult<Row> {
    return this.#request([params === undefined ? { text } : { text, params }], this.#waitMs)[0] as SqlResult<Row>;
  }

  /** Runs statements one after another in one round trip to the thread; stops at the first that fails. */
  batch(statements: readonly SqlStatement[]): SqlResult[] {
    return statements.length === 0 ? [] : this.#request([...statements], this.#waitMs);
  }

  /** Runs two statements in one round trip and returns both results, typed. */
  queryPair<A, B>(first: SqlStatement, second: SqlStatement): [SqlResult<A>, SqlResult<B>] {
    const [a, b] = this.#request([first, second], this.#waitMs);
    return [a as SqlResult<A>, b as SqlResult<B>];
  }

  /** Runs `fn` in a transaction holding the advisory lock `lock`, so coordinators starting together create or migrate their tables one at a time. */
  underLock<T>(lock: number, fn: () => T): T {
    return this.transaction(() => {
      this.query("SELECT pg_advisory_xact_lock($1)", [lock]);
      return fn();
    });
  }

  /**
   * Runs `fn` atomically; nested calls join the outer transaction through savepoints. A throw rolls
   * back. BEGIN (or SAVEPOINT) waits to travel with the transaction's first statement, so a group
   * commit costs one round trip less, and a transaction that ran no statement costs none.
   */
  transaction<T>(fn: () => T): T {
    const depth = this.#depth;
    const opening = depth === 0 ? "BEGIN" : `SAVEPOINT s${depth}`;
    this.#pending.push(opening);
    this.#depth++;
    // Inner levels have closed by then, so the opening is still unsent exactly when it is the last pending.
    const unsent = () => this.#pending.at(-1) === opening;
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.#depth = depth;
      if (unsent()) this.#pending.pop();
      else {
        try {
          this.#control(depth === 0 ? "ROLLBACK" : `ROLLBACK TO SAVEPOINT s${depth}`);
        } catch {
          // The connection is gone or broken; the transaction is lost with it, and `error` says why.
        }
      }
      throw error;
    }
    this.#depth = depth;
    if (unsent()) this.#pending.pop();
    else this.#control(depth === 0 ? "COMMIT" : `RELEASE SAVEPOINT s${depth}`);
    return result;
  }

  /**
   * A transaction's own closing statement: never inside a statement savepoint (releasing it would
   * take nested savepoints with it), and never on a fresh connection (a COMMIT there would
   * "succeed" with the transaction's writes lost).
   */
  #control(text: string): void {
    this.#request([{ text }], this.#waitMs, { guard: false, reconnect: false });
  }

  /**
   * Calls `handler` with the payload of every `NOTIFY` on `channel` (a lower-case SQL identifier),
   * from a connection of its own in the thread, kept up with backoff while the database is away;
   * and with `undefined` each time that connection is (re)established, since notifications sent
   * while it was down are lost: the handler reloads whatever it follows. Returns the unsubscriber.
   */
  listen(channel: string, handler: (payload: string | undefined) => void): () => void {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`cannot listen to ${JSON.stringify(channel)}: a channel is a lower-case SQL identifier`);
    let handlers = this.#listeners.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#listeners.set(channel, handlers);
      this.#post({ id: this.#next++, type: "listen", channel }, this.#waitMs);
    }
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  #notice(notice: PgNotice): void {
    const handlers =
      notice.type === "notification" ? [...(this.#listeners.get(notice.channel) ?? [])].map((h) => () => h(notice.payload))
      : notice.type === "listening" ? [...this.#listeners.values()].flatMap((set) => [...set]).map((h) => () => h(undefined))
      : [];
    for (const call of handlers) {
      try {
        call();
      } catch {
        // A handler's failure is its own; the others still hear.
      }
    }
  }

  /** Closes the connection and ends the thread; later calls throw. */
  close(): void {
    if (this.#closed) return;
    try {
      this.#post({ id: this.#next++, type: "close" }, 5_000);
    } catch {
      // Ending the thread below closes its socket anyway.
    }
    this.#stop();
  }

  #stop(): void {
    this.#closed = true;
    this.#port.close();
    this.#notices.close();
    void this.#worker.terminate();
  }

  /**
   * Sends statements with the transaction openings still pending before them. Outside a transaction,
   * or with its BEGIN still to be sent, a lost connection may be replaced; inside one, each
   * request runs under a statement savepoint.
   */
  #request(statements: SqlStatement[], timeoutMs: number, how = { guard: this.#depth > 0, reconnect: this.#depth === 0 || this.#pending[0] === "BEGIN" }): SqlResult[] {
    if (this.#closed) throw new Error(`the PostgreSQL store at ${this.#where} is closed`);
    if (this.#died !== undefined) throw new Error(`the PostgreSQL thread of the store at ${this.#where} died: ${this.#died}`);
    const prefix = this.#pending.splice(0);
    const reply = this.#post({ id: this.#next++, type: "run", prefix, statements, ...how }, timeoutMs);
    if (!reply.ok) throw new PostgresError(reply.message, reply.code);
    return reply.results;
  }

  /** Posts the request and blocks until its reply arrives; replies to requests that timed out are dropped. */
  #post(request: PgRequest, timeoutMs: number): PgReply {
    this.#port.postMessage(request);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.#flag, 0);
      const received = receiveMessageOnPort(this.#port);
      if (received) {
        const reply = received.message as PgReply;
        if (reply.id === request.id) return reply;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.#flag, 0, seen, left) === "timed-out") {
        throw new Error(`PostgreSQL at ${this.#where} did not answer within ${timeoutMs} ms`);
      }
    }
  }
}
