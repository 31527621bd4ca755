export { BrowserVolunteer, defaultThreads, type BrowserVolunteerOptions, type DonorSettings, type DonorStats } from "./BrowserVolunteer.ts";
export { WebWorkerPool, type WebWorkerPoolOptions, type PoolStats } from "./WebWorkerPool.ts";
export { IdbShardStore, DEFAULT_SHARD_CACHE_BYTES, type IdbShardStoreOptions } from "./IdbShardStore.ts";
export { ShardPeer, shardPeerId, type OpenPeer } from "../shards/ShardPeer.ts";
export { connectFromBrowser, webSocketUrl, type BrowserConnectOptions } from "./connectFromBrowser.ts";
export { checkBrowserConnectivity } from "./checkBrowserConnectivity.ts";
export { reportLines, reportPassed, REACH_WORDS } from "../connectivity/reportLines.ts";
export type { ConnectivityReport } from "../connectivity/checkConnectivity.ts";
