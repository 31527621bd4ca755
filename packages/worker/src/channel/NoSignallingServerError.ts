/**
 * The coordinator hosts no PeerJS signalling server (`shoal coordinator --no-webrtc`): its
 * `/peerjs` routes answer 404. A volunteer then runs without peer shard exchange and gets every
 * shard over HTTP; trying again on the next welcome would fail the same way.
 */
export class NoSignallingServerError extends Error {
  constructor(coordinatorUrl: string, status: number) {
    super(`the coordinator at ${coordinatorUrl} has no signalling server (HTTP ${status} at /peerjs; it runs with --no-webrtc)`);
    this.name = "NoSignallingServerError";
  }
}
