import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeShard, runShardStoreTests } from "../testing/runShardStoreTests.ts";
import { FileShardStore } from "./FileShardStore.ts";

const freshDir = () => mkdtemp(join(tmpdir(), "shoal-shards-"));

runShardStoreTests("FileShardStore", async (options) => FileShardStore.open(await freshDir(), options));

describe("FileShardStore on disk", () => {
  it("finds its shards again after a restart and clears half-written files", async () => {
    const dir = await freshDir();
    const a = await fakeShard(1);
    await (await FileShardStore.open(dir)).put(a.hash, a.bytes);
    await writeFile(join(dir, `${a.hash}.tmp-abc`), "partial");
    const reopened = await FileShardStore.open(dir);
    expect(await reopened.list()).toEqual([a.hash]);
    expect(await reopened.get(a.hash)).toEqual(a.bytes);
    expect(await readdir(dir)).toEqual([a.hash]);
  });

  it("drops a shard whose file was altered on disk instead of returning bad bytes", async () => {
    const dir = await freshDir();
    const a = await fakeShard(2);
    const store = await FileShardStore.open(dir);
    await store.put(a.hash, a.bytes);
    await writeFile(join(dir, a.hash), a.bytes.map((b) => b ^ 1));
    expect(await store.get(a.hash)).toBeUndefined();
    expect(await store.has(a.hash)).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });
});
