import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestPostgres } from "../../testing/startPostgres.ts";
import { startPostgres } from "../../testing/startPostgres.ts";
import { PostgresError, PostgresUnavailableError, SyncPostgres } from "./SyncPostgres.ts";

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(() => cluster?.stop());

describe("SyncPostgres", () => {
  it("answers synchronously, with counts and sums as numbers, and a refused statement as a PostgresError with its code", async () => {
    const db = new SyncPostgres(await cluster.createDatabase());
    try {
      expect(db.query("SELECT count(*) AS n, sum(x) AS s, $1::text AS t FROM generate_series(1, 4) x", ["a"]).rows).toEqual([{ n: 4, s: 10, t: "a" }]);
      db.query("CREATE TABLE t (id int PRIMARY KEY)");
      db.query("INSERT INTO t VALUES (1)");
      let refused: unknown;
      try {
        db.query("INSERT INTO t VALUES (1)");
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(PostgresError);
      expect((refused as PostgresError).code).toBe("23505");
    } finally {
      db.close();
    }
  });

  it("has a statement past its timeout cancelled by the database, and the connection answers the next at once", async () => {
    const db = new SyncPostgres(await cluster.createDatabase(), { queryTimeoutMs: 300 });
    try {
      let cancelled: unknown;
      try {
        db.query("SELECT pg_sleep(5)");
      } catch (error) {
        cancelled = error;
      }
      expect(cancelled).toBeInstanceOf(PostgresError);
      expect((cancelled as PostgresError).code).toBe("57014");
      expect(db.query("SELECT 7 AS seven").rows).toEqual([{ seven: 7 }]);
    } finally {
      db.close();
    }
  });

  it("stops waiting for a thread that does not answer, with a clear error, and drops the late reply instead of taking it for the next", async () => {
    const db = new SyncPostgres(await cluster.createDatabase(), { queryTimeoutMs: 300 });
    try {
      db.query("SET statement_timeout = 0");
      expect(() => db.query("SELECT pg_sleep(3), 'late' AS late")).toThrow(/^PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/shoal_\w+ did not answer within 1600 ms$/);
      // The thread runs one request at a time: the next answer comes once the sleep has ended.
      let answer: unknown;
      for (let i = 0; i < 10 && answer === undefined; i++) {
        try {
          answer = db.query("SELECT 7 AS seven").rows;
        } catch {
          // Still behind the sleep.
        }
      }
      expect(answer).toEqual([{ seven: 7 }]);
    } finally {
      db.close();
    }
  });

  it("fails the rest of a transaction whose connection was lost, rather than reconnecting and committing half of it, and reconnects after", async () => {
    const url = await cluster.createDatabase();
    const db = new SyncPostgres(url);
    const admin = new SyncPostgres(url);
    try {
      db.query("CREATE TABLE t (n int)");
      const pid = db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid").rows[0]!.pid;
      expect(() =>
        db.transaction(() => {
          db.query("INSERT INTO t VALUES (1)");
          admin.query("SELECT pg_terminate_backend($1)", [pid]);
          db.query("INSERT INTO t VALUES (2)");
        }),
      ).toThrow();
      expect(db.query("SELECT count(*) AS n FROM t").rows).toEqual([{ n: 0 }]);
      expect(db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid").rows[0]!.pid).not.toBe(pid);
    } finally {
      db.close();
      admin.close();
    }
  });

  it("hears NOTIFY on a connection of its own, says when that connection is back after being killed, and hears the next", async () => {
    const url = await cluster.createDatabase();
    const db = new SyncPostgres(url);
    const admin = new SyncPostgres(url);
    const heard: Array<string | undefined> = [];
    const until = async (count: number) => {
      for (let i = 0; heard.length < count; i++) {
        if (i > 200) throw new Error(`heard ${JSON.stringify(heard)}, waiting for ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      expect(() => db.listen("Bad-Name; DROP", () => undefined)).toThrow(/lower-case SQL identifier/);
      db.listen("shoal_test", (payload) => heard.push(payload));
      await until(1);
      expect(heard).toEqual([undefined]);
      admin.query("SELECT pg_notify('shoal_test', 'one')");
      admin.query("SELECT pg_notify('other_channel', 'not ours')");
      await until(2);
      const killed = admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'shoal-listen' AND datname = current_database()");
      expect(killed.rowCount).toBe(1);
      // Back (and saying so: what was sent meanwhile is lost), then hearing again.
      await until(3);
      admin.query("SELECT pg_notify('shoal_test', 'two')");
      await until(4);
      expect(heard).toEqual([undefined, "one", undefined, "two"]);
      // The ordinary connection was never involved.
      expect(db.query("SELECT 1 AS one").rows).toEqual([{ one: 1 }]);
    } finally {
      db.close();
      admin.close();
    }
  });

  it("names the database, password masked, when it cannot connect", async () => {
    const url = (await cluster.createDatabase()).replace(/\/shoal_\w+$/, "/no_such_db");
    expect(() => new SyncPostgres(url)).toThrow(PostgresUnavailableError);
    expect(() => new SyncPostgres(url)).toThrow(/^cannot open the PostgreSQL store at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/no_such_db: database "no_such_db" does not exist$/);
  });

  it("sends BEGIN with a transaction's first statement, which so runs inside it, and rolls back an inner level alone", async () => {
    const db = new SyncPostgres(await cluster.createDatabase());
    try {
      db.query("CREATE TABLE t (n int)");
      const [first, later] = db.transaction(() => {
        const a = db.query<{ t: string }>("SELECT now()::text AS t").rows[0]!.t;
        db.query("SELECT pg_sleep(0.05)");
        return [a, db.query<{ t: string }>("SELECT now()::text AS t").rows[0]!.t];
      });
      expect(later).toBe(first);
      db.transaction(() => {
        db.query("INSERT INTO t VALUES (1)");
        db.transaction(() => undefined);
        expect(() =>
          db.transaction(() => {
            db.transaction(() => db.query("INSERT INTO t VALUES (2)"));
            throw new Error("inner");
          }),
        ).toThrow("inner");
        db.query("INSERT INTO t VALUES (3)");
      });
      expect(db.transaction(() => 5)).toBe(5);
      expect(db.query("SELECT n FROM t ORDER BY n").rows).toEqual([{ n: 1 }, { n: 3 }]);
    } finally {
      db.close();
    }
  });

  it("refuses calls after close", async () => {
    const db = new SyncPostgres(await cluster.createDatabase());
    db.close();
    expect(() => db.query("SELECT 1")).toThrow(/is closed/);
  });
});
