import type { Peer } from "peerjs";
import type { IceServer } from "@shoal/protocol";
import type { Channel } from "../channel/Channel.ts";
import type { PeerRtcConfig } from "../channel/openPeer.ts";
import { NoSignallingServerError } from "../channel/NoSignallingServerError.ts";
import { PeerJsChannel } from "../channel/PeerJsChannel.ts";
import { serveShards } from "./serveShards.ts";
import type { ShardStore } from "./ShardStore.ts";

/** Opens a PeerJS peer registered under `id` on the coordinator's signalling server (Node or browser). */
export type OpenPeer = (coordinatorUrl: string, id: string, timeoutMs?: number, rtc?: PeerRtcConfig) => Promise<Peer>;

const PEERJS_ID = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;

/** The PeerJS id under which the volunteer with shard handle `handle` (from its welcome) serves its shards. */
export function shardPeerId(handle: string): string | undefined {
  const id = `shoal-shards-${handle}`;
  return PEERJS_ID.test(id) && id.length <= 128 ? id : undefined;
}

/**
 * A volunteer's presence on the signalling server for shard exchange: it serves the
 * shards in its store to peers that dial it, and dials peers the coordinator names as holders.
 */
export class ShardPeer {
  readonly #openPeer: OpenPeer;
  readonly #coordinatorUrl: string;
  readonly #store: ShardStore;
  readonly #log: (line: string) => void;
  #peer: Peer | undefined;
  #rtc = "";
  #opening: Promise<void> | undefined;
  #closed = false;
  /** Set once the coordinator turned out to host no signalling server: no retries, shards over HTTP. */
  #noSignalling = false;

  constructor(openPeer: OpenPeer, coordinatorUrl: string, store: ShardStore, log: (line: string) => void) {
    this.#openPeer = openPeer;
    this.#coordinatorUrl = coordinatorUrl;
    this.#store = store;
    this.#log = log;
  }

  /**
   * Registers (again, if the handle or the WebRTC settings changed or the registration was lost)
   * as the shard peer of `handle`, with the ICE servers of the latest welcome in `rtc`.
   */
  serveAs(handle: string, rtc?: PeerRtcConfig): Promise<void> {
    const id = shardPeerId(handle);
    const peer = this.#peer;
    const rtcKey = JSON.stringify(rtc ?? {});
    if (this.#closed || this.#noSignalling || id === undefined || this.#opening) return this.#opening ?? Promise.resolve();
    if (peer && peer.id === id && this.#rtc === rtcKey && !peer.disconnected && !peer.destroyed) return Promise.resolve();
    peer?.destroy();
    this.#peer = undefined;
    this.#rtc = rtcKey;
    this.#opening = this.#openPeer(this.#coordinatorUrl, id, undefined, rtc)
      .then((opened) => {
        if (this.#closed) return opened.destroy();
        this.#peer = opened;
        opened.on("error", () => undefined);
        opened.on("connection", (connection) => connection.on("open", () => serveShards(new PeerJsChannel(connection), this.#store)));
      })
      .catch((error: Error) => {
        if (error instanceof NoSignallingServerError) {
          this.#noSignalling = true;
          this.#log(`no peer shard exchange: ${error.message}; shards come over HTTP`);
        } else this.#log(`not serving shards to peers: ${error.message}`);
      })
      .finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  /**
   * Uses `iceServers` (fresh TURN credentials) for every data channel opened or accepted from now
   * on; open ones keep theirs. The registration on the signalling server stays as it is.
   */
  useIceServers(iceServers: IceServer[]): void {
    const peer = this.#peer;
    if (!peer) return;
    // PeerJS reads `options.config` whenever it makes a peer connection, dialling or answering.
    const config = peer.options.config as Record<string, unknown> | undefined;
    peer.options.config = { ...config, iceServers };
  }

  /** True once registered on the signalling server, so other volunteers can dial this one. */
  get serving(): boolean {
    const peer = this.#peer;
    return peer !== undefined && !peer.disconnected && !peer.destroyed;
  }

  /** Opens a data channel to the shard peer of `handle`; waits for this volunteer's own registration if it is under way. */
  async dial(handle: string, timeoutMs = 5_000): Promise<Channel> {
    const id = shardPeerId(handle);
    if (id === undefined) throw new Error(`no shard peer id can be made from ${JSON.stringify(handle)}`);
    if (this.#opening) await this.#opening;
    const peer = this.#peer;
    if (!peer || peer.disconnected || peer.destroyed) throw new Error("this volunteer is not registered on the signalling server");
    return PeerJsChannel.connect(peer, id, timeoutMs);
  }

  close(): void {
    this.#closed = true;
    this.#peer?.destroy();
    this.#peer = undefined;
  }
}
