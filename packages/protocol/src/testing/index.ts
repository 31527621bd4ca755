export { COORDINATOR_FRAMES, hostileText, mutated, PEER_FRAMES, WORKER_FRAMES } from "./hostileFrames.ts";
