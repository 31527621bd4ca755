import type { IceServer, Reach } from "@shoal/protocol";
import type { ShardPeer } from "../shards/ShardPeer.ts";
import { classifyReach } from "./classifyReach.ts";
import { gatherCandidates } from "./gatherCandidates.ts";
import type { MakePeerConnection } from "./PeerConnectionLike.ts";

/** What a volunteer needs to serve shards and report its reach after a welcome. */
export interface ReachSetup {
  /** Its shard peer; undefined when it does not exchange shards with peers. */
  shardPeer: ShardPeer | undefined;
  handle: string;
  iceServers: IceServer[];
  relayOnly: boolean;
  makePeerConnection: MakePeerConnection;
  /** Sends the reach to the coordinator. */
  report: (reach: Reach) => void;
}

/**
 * After a welcome: registers the shard peer with the welcome's ICE servers, gathers candidates
 * with them, and reports the reach this gives. A volunteer without a shard peer, or whose
 * registration on the signalling server failed, is WebSocket-only: nobody can dial it.
 */
export async function serveAndReportReach(setup: ReachSetup): Promise<Reach> {
  const { shardPeer, iceServers, relayOnly } = setup;
  let candidates;
  if (shardPeer) {
    await shardPeer.serveAs(setup.handle, { iceServers, iceTransportPolicy: relayOnly ? "relay" : "all" });
    if (shardPeer.serving) candidates = await gatherCandidates(setup.makePeerConnection, iceServers, { relayOnly }).catch(() => undefined);
  }
  const reach = classifyReach({ candidates, iceServers, relayOnly });
  setup.report(reach);
  return reach;
}
