import { createHash } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetView, Json, JobView, ShardHash } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import { startCoordinator } from "../../Coordinator.ts";
import { SharedShardError, ShardFiles } from "../../datasets/ShardFiles.ts";
import type { SharedShards } from "../../datasets/ShardFiles.ts";
import { silentLogger } from "../../Logger.ts";
import { readEvents, shoalRunSma, SMA_SPEC, SP500_CSV } from "../../testing/fixtures.ts";
import { ProtocolClient } from "../../testing/ProtocolClient.ts";
import type { TestPostgres } from "../../testing/startPostgres.ts";
import { startPostgres } from "../../testing/startPostgres.ts";
import { json } from "../../testing/startTestCoordinator.ts";
import { TestWorker } from "../../testing/TestWorker.ts";
import { PostgresShardBlobs } from "./PostgresShardBlobs.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex") as ShardHash;
const dirs = () => {
  const root = mkdtempSync(join(tmpdir(), "shoal-shared-shards-"));
  return [join(root, "shards"), join(root, "tmp")] as const;
};

/** A shared store in memory that counts what crosses it, for the logic of ShardFiles. */
class MemoryShared implements SharedShards {
  readonly blobs = new Map<string, Uint8Array>();
  gets = 0;
  async put(hash: ShardHash, bytes: Uint8Array): Promise<void> {
    if (!this.blobs.has(hash)) this.blobs.set(hash, bytes.slice());
  }
  async size(hash: ShardHash): Promise<number | undefined> {
    return this.blobs.get(hash)?.byteLength;
  }
  async get(hash: ShardHash): Promise<Uint8Array | undefined> {
    this.gets++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return this.blobs.get(hash);
  }
}

describe("ShardFiles over a shared store", () => {
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 256);
  const hash = sha256(bytes);

  it("serves from another node's disk what one node wrote, then from its own disk", async () => {
    const shared = new MemoryShared();
    await new ShardFiles(...dirs(), { store: shared, maxBytes: 1 << 20 }).write(hash, bytes);
    const other = new ShardFiles(...dirs(), { store: shared, maxBytes: 1 << 20 });
    expect(await other.size(hash)).toBe(1000);
    expect(existsSync(other.path(hash))).toBe(true);
    expect(await other.read(hash)).toEqual(bytes);
    expect(shared.gets).toBe(1);
    expect(await other.size(sha256(new Uint8Array([1])))).toBeUndefined();
  });

  it("refuses a forged blob (bytes that are not what their hash names) and keeps nothing of it", async () => {
    const shared = new MemoryShared();
    shared.blobs.set(hash, Uint8Array.from(bytes, (b) => b ^ 1));
    const node = new ShardFiles(...dirs(), { store: shared, maxBytes: 1 << 20 });
    await expect(node.size(hash)).rejects.toThrow(new SharedShardError(`shard ${hash} in the shared store has other bytes (their SHA-256 is ${sha256(shared.blobs.get(hash)!)}); not served`));
    await expect(node.read(hash)).rejects.toBeInstanceOf(SharedShardError);
    expect(existsSync(node.path(hash))).toBe(false);
  });

  it("fetches a shard once for requests that come while it is on its way, and again after a refusal", async () => {
    const shared = new MemoryShared();
    await shared.put(hash, bytes);
    const node = new ShardFiles(...dirs(), { store: shared, maxBytes: 1 << 20 });
    const read = await Promise.all([node.read(hash), node.size(hash), node.read(hash)]);
    expect(read).toEqual([bytes, 1000, bytes]);
    expect(shared.gets).toBe(1);

    const forged = new MemoryShared();
    forged.blobs.set(hash, Uint8Array.from(bytes, (b) => b ^ 1));
    const other = new ShardFiles(...dirs(), { store: forged, maxBytes: 1 << 20 });
    await expect(Promise.all([other.read(hash), other.read(hash)])).rejects.toBeInstanceOf(SharedShardError);
    await expect(other.read(hash)).rejects.toBeInstanceOf(SharedShardError);
    expect(forged.gets).toBe(2); // the failed fetch is not kept: the next request asks the store again
  });

  it("refuses an oversized blob by its size, before transferring it", async () => {
    const shared = new MemoryShared();
    await shared.put(hash, bytes);
    const node = new ShardFiles(...dirs(), { store: shared, maxBytes: 999 });
    await expect(node.size(hash)).rejects.toThrow(`shard ${hash} in the shared store is 1000 bytes, over the 999-byte limit`);
    expect(shared.gets).toBe(0);
  });
});

let cluster: TestPostgres;
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(() => cluster?.stop());

describe("PostgresShardBlobs on a real PostgreSQL", () => {
  it("keeps every byte value, writes once, and tells a size without the bytes", async () => {
    const url = await cluster.createDatabase();
    const blobs = new PostgresShardBlobs(url);
    const again = new PostgresShardBlobs(url);
    try {
      const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 131) % 256);
      const hash = sha256(bytes);
      await blobs.put(hash, bytes);
      await again.put(hash, new Uint8Array([9])); // a second put of the hash changes nothing
      expect(await again.size(hash)).toBe(70_000);
      expect(await again.get(hash)).toEqual(bytes);
      expect(await again.get(sha256(new Uint8Array([2])))).toBeUndefined();
      expect(await again.size(sha256(new Uint8Array([2])))).toBeUndefined();
    } finally {
      await blobs.close();
      await again.close();
    }
  });

  it("reads a large blob without holding the event loop: timers keep firing while it arrives", async () => {
    const url = await cluster.createDatabase();
    const blobs = new PostgresShardBlobs(url);
    try {
      const bytes = Uint8Array.from({ length: 24 << 20 }, (_, i) => (i * 2_654_435_761) >>> 24);
      const hash = sha256(bytes);
      await blobs.put(hash, bytes);
      let turns = 0;
      const timer = setInterval(() => turns++, 0);
      let read: Uint8Array | undefined;
      try {
        read = await blobs.get(hash);
      } finally {
        clearInterval(timer);
      }
      expect(read?.byteLength).toBe(bytes.byteLength);
      expect(sha256(read!)).toBe(hash);
      // A synchronous read (the store's bridge) lets no timer run until it returns.
      expect(turns).toBeGreaterThan(0);
    } finally {
      await blobs.close();
    }
  }, 60_000);

  it("survives a database restart: the read during the outage fails, the next one after it succeeds", async () => {
    const own = await startPostgres();
    const url = await own.createDatabase();
    const errors: Error[] = [];
    const blobs = new PostgresShardBlobs(url, { connectTimeoutMs: 2_000, onError: (error) => errors.push(error) });
    try {
      const bytes = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
      const hash = sha256(bytes);
      await blobs.put(hash, bytes);
      expect(await blobs.size(hash)).toBe(5000);
      own.kill();
      await expect(blobs.get(hash)).rejects.toThrow();
      own.restart();
      expect(await blobs.get(hash)).toEqual(bytes);
    } finally {
      await blobs.close();
      own.stop();
    }
  }, 120_000);
});

describe("two coordinators with their own disks on one database", () => {
  it("serves a shard uploaded to one from the other, refuses a forged blob, and a job taken over from a stopped node finishes with shoal run's result", async () => {
    const store = await cluster.createDatabase();
    const expected = shoalRunSma();
    const start = () => {
      const dataDir = mkdtempSync(join(tmpdir(), "shoal-node-"));
      return startCoordinator({ port: 0, webrtc: false, logger: silentLogger, dataDir, store, webDist: join(dataDir, "no-web-app"), leaseTtlMs: 2_000 });
    };
    const a = await start();
    const b = await start();
    let client: ProtocolClient | undefined;
    try {
      const token = a.token!;
      const api = (url: string, path: string, init: RequestInit = {}) => fetch(`${url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}` } });
      const dataset = await json<DatasetView>(api(a.url, "/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }));
      const small = await json<DatasetView>(api(a.url, "/api/datasets?name=small", { method: "POST", body: String(SP500_CSV).split("\n").slice(0, 100).join("\n") }));
      const job = await json<JobView>(api(a.url, "/api/jobs", { method: "POST", body: JSON.stringify({ dataset: dataset.id, spec: SMA_SPEC }) }));

      const shard = dataset.series[0]!.shard;
      const fromA = new Uint8Array(await (await fetch(`${a.url}/shards/${shard}`)).arrayBuffer());
      const fromB = await fetch(`${b.url}/shards/${shard}`);
      expect(fromB.status).toBe(200);
      expect(fromB.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(new Uint8Array(await fromB.arrayBuffer())).toEqual(fromA);

      // A row changed behind the coordinators' backs: B, which has not cached that shard, refuses to serve it.
      const other = small.series[0]!.shard;
      const original = Buffer.from(await (await fetch(`${a.url}/shards/${other}`)).arrayBuffer());
      const db = new pg.Client({ connectionString: store });
      await db.connect();
      await db.query("UPDATE shard_blobs SET bytes = $2 WHERE hash = $1", [other, Buffer.from("forged")]);
      expect((await fetch(`${b.url}/shards/${other}`)).status).toBe(500);
      await db.query("UPDATE shard_blobs SET bytes = $2 WHERE hash = $1", [other, original]);
      await db.end();
      expect(Buffer.from(await (await fetch(`${b.url}/shards/${other}`)).arrayBuffer())).toEqual(original);

      await a.close(); // gives its lease up: B takes the job over and needs every shard, from the database
      client = await ProtocolClient.connect(`${b.url.replace(/^http/, "ws")}/ws`);
      const c = client;
      const worker = new TestWorker({ send: (text) => c.sendRaw(text), onMessage: (listener) => c.socket.on("message", (d) => listener(String(d))) }, { threads: 2 });
      await worker.start();
      const events = await readEvents(await api(b.url, `/api/jobs/${job.id}/events`), (e) => e === "done" || e === "failed");
      expect(events.at(-1)).toMatchObject({ event: "done" });
      expect(canonicalJson(await json<Json>(api(b.url, `/api/jobs/${job.id}/result`)))).toBe(await expected);
    } finally {
      client?.close();
      await a.close().catch(() => undefined);
      await b.close();
    }
  }, 180_000);
});
