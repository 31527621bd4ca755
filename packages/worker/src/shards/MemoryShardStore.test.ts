import { runShardStoreTests } from "../testing/runShardStoreTests.ts";
import { MemoryShardStore } from "./MemoryShardStore.ts";

runShardStoreTests("MemoryShardStore", async (options) => new MemoryShardStore(options));
