export { NodeExecutorPool, type NodeExecutorPoolOptions } from "./NodeExecutorPool.ts";
