import { runExecutorTests } from "../testing/runExecutorTests.ts";
import { NodeExecutorPool } from "./NodeExecutorPool.ts";

runExecutorTests("NodeExecutorPool", () => new NodeExecutorPool({ threads: 2, deadlineMs: 20_000 }));
