import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { fakeShard, runShardStoreTests } from "../testing/runShardStoreTests.ts";
import { IdbShardStore } from "./IdbShardStore.ts";

let databases = 0;
runShardStoreTests("IndexedDB", (options) => IdbShardStore.open({ ...options, name: `test-${databases++}` }));

describe("IdbShardStore", () => {
  it("keeps shards and their LRU order across reopening", async () => {
    const first = await IdbShardStore.open({ name: "reopen", maxBytes: 2500 });
    const [a, b, c] = await Promise.all([fakeShard(1), fakeShard(2), fakeShard(3)]);
    await first.put(a!.hash, a!.bytes);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await first.put(b!.hash, b!.bytes);
    first.close();
    const second = await IdbShardStore.open({ name: "reopen", maxBytes: 2500 });
    expect(await second.get(b!.hash)).toEqual(b!.bytes);
    await second.put(c!.hash, c!.bytes);
    expect((await second.list()).sort()).toEqual([b!.hash, c!.hash].sort());
  });
});
