export { startCoordinator, type RunningCoordinator } from "./Coordinator.ts";
export type { CoordinatorOptions } from "./CoordinatorOptions.ts";
export { consoleLogger, silentLogger, type Logger } from "./Logger.ts";
export { createAuthorToken, hashToken } from "./auth/authorTokens.ts";
export { SqliteStore } from "./store/SqliteStore.ts";
export { MemoryStore } from "./store/MemoryStore.ts";
export type { Store } from "./store/Store.ts";
export { COORDINATOR_PEER_ID } from "./transport/CoordinatorPeer.ts";
export { SIGNALLING_PATH, SIGNALLING_KEY } from "./transport/PeerSignalling.ts";
