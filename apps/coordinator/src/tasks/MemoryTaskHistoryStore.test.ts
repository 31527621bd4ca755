import { MemoryTaskHistoryStore } from "./MemoryTaskHistoryStore.ts";
import { runTaskHistoryStoreTests } from "./runTaskHistoryStoreTests.ts";

runTaskHistoryStoreTests("MemoryTaskHistoryStore", () => new MemoryTaskHistoryStore());
