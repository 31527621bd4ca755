export { NodeExecutorPool, type NodeExecutorPoolOptions } from "./NodeExecutorPool.ts";
export { NodeJobPool } from "./NodeJobPool.ts";
export { NodeVolunteer, type NodeVolunteerOptions, type NodeVolunteerStatus } from "./NodeVolunteer.ts";
export { FileShardStore } from "./FileShardStore.ts";
export { connectCoordinator, webSocketUrl, COORDINATOR_PEER_ID, type ConnectOptions } from "./connectCoordinator.ts";
export { signallingOptions } from "../channel/openPeer.ts";
export { loadPeerJs, makeNodePeerConnection, openNodePeer } from "./nodePeerJs.ts";
export { checkNodeConnectivity } from "./checkNodeConnectivity.ts";
