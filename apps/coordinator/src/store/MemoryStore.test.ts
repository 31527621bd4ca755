import { MemoryStore } from "./MemoryStore.ts";
import { runStoreTests } from "./runStoreTests.ts";

runStoreTests("MemoryStore", () => new MemoryStore());
