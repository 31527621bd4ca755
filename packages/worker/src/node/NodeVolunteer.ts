import type { DonorHello } from "@shoal/protocol";
import type { Reach } from "@shoal/protocol";
import { ENGINE_NAMES } from "@shoal/protocol";
import { serveAndReportReach } from "../connectivity/serveAndReportReach.ts";
import { FileShardStore } from "./FileShardStore.ts";
import { MemoryShardStore } from "../shards/MemoryShardStore.ts";
import type { ShardStore } from "../shards/ShardStore.ts";
import { ShardFetcher } from "../shards/ShardFetcher.ts";
import type { ShardFetchStats } from "../shards/ShardFetcher.ts";
import { Volunteer } from "../volunteer/Volunteer.ts";
import type { VolunteerStatus } from "../volunteer/Volunteer.ts";
import type { VolunteerExecutor } from "../volunteer/VolunteerExecutor.ts";
import { connectCoordinator } from "./connectCoordinator.ts";
import { NodeExecutorPool } from "./NodeExecutorPool.ts";
import { ShardPeer } from "../shards/ShardPeer.ts";
import { makeNodePeerConnection, openNodePeer } from "./nodePeerJs.ts";

export interface NodeVolunteerOptions {
  /** The coordinator's base URL, `http(s)://host:port`. */
  coordinatorUrl: string;
  threads: number;
  transport: "webrtc" | "ws";
  /** Keeps shards on disk here across restarts; in memory when absent. */
  cacheDir?: string;
  /** Byte quota of the shard cache. */
  cacheBytes?: number;
  /** Wall-clock limit per task. */
  deadlineMs?: number;
  /** Warm each executor thread's task path up before its first task (see warmUpExecutor); `shoal worker` does. */
  warmUp?: boolean;
  /** How long WebRTC may take before the WebSocket is used instead. */
  webrtcTimeoutMs?: number;
  /** Exchange shards with other volunteers over WebRTC before using HTTP. */
  peerShards?: boolean;
  /** Shard exchange only through the TURN relays the coordinator names (`iceTransportPolicy: "relay"`), as behind a strict NAT. */
  relayOnly?: boolean;
  /** How long dialling another volunteer and getting a shard from it may take before HTTP is used. */
  shardPeerTimeoutMs?: number;
  log?: (line: string) => void;
  /** Whom accepted work is credited to (`shoal worker --donor-key`). */
  donor?: DonorHello;
  /** Wraps the thread pool before the volunteer uses it: the seam for test doubles such as `LyingExecutor`. */
  wrapExecutor?: (executor: VolunteerExecutor) => VolunteerExecutor;
}

/** A Node volunteer's status with its shard cache. */
export interface NodeVolunteerStatus extends VolunteerStatus {
  /** How other volunteers can reach this one, as last reported to the coordinator. */
  reach?: Reach;
  shards: ShardFetchStats & { held: number; bytes: number; serving: boolean };
}

/**
 * A volunteer in a Node process (`shoal worker`): the protocol engine of {@link Volunteer} on a
 * worker-thread pool that runs every Lua engine (fengari and wasmoon, each made ready in a thread
 * when its first job arrives), with a file or memory shard cache, WebRTC-or-WebSocket transport, and
 * shard exchange with other volunteers over PeerJS.
 */
export class NodeVolunteer {
  readonly #volunteer: Volunteer;
  readonly #pool: NodeExecutorPool;
  readonly #store: ShardStore;
  readonly #fetcher: ShardFetcher;
  readonly #shardPeer: ShardPeer | undefined;
  readonly #done: Promise<string | undefined>;
  #reach: Reach | undefined;

  private constructor(options: NodeVolunteerOptions, store: ShardStore) {
    const log = options.log ?? (() => undefined);
    this.#store = store;
    this.#pool = new NodeExecutorPool({ threads: options.threads, deadlineMs: options.deadlineMs ?? 10 * 60_000, warmUp: options.warmUp ?? false, log });
    // Warming up takes a moment: start the threads while connecting, not when the first tasks come.
    if (options.warmUp) this.#pool.prepare();
    const shardPeer = options.peerShards === false ? undefined : new ShardPeer(openNodePeer, options.coordinatorUrl, store, log);
    this.#shardPeer = shardPeer;
    this.#fetcher = new ShardFetcher({
      store,
      ...(shardPeer ? { dialPeer: (handle: string) => shardPeer.dial(handle, options.shardPeerTimeoutMs) } : {}),
      ...(options.shardPeerTimeoutMs === undefined ? {} : { peerTimeoutMs: options.shardPeerTimeoutMs }),
      onPeerFailed: (peerId, hash, reason) => log(`shard ${hash.slice(0, 12)}… not got from peer ${peerId} (${reason}); trying the next source`),
      onBadPeer: (peerId, reason) => log(`peer ${peerId} sent a bad shard and will not be asked again: ${reason}`),
    });
    this.#volunteer = new Volunteer({
      connect: () => connectCoordinator({ url: options.coordinatorUrl, transport: options.transport, webrtcTimeoutMs: options.webrtcTimeoutMs, log }),
      executor: options.wrapExecutor?.(this.#pool) ?? this.#pool,
      shards: this.#fetcher,
      threads: options.threads,
      engines: [...ENGINE_NAMES],
      runtime: "node",
      coordinatorUrl: options.coordinatorUrl,
      log,
      onIceServers: (iceServers) => shardPeer?.useIceServers(iceServers),
      onWelcome: ({ shardHandle, iceServers }) =>
        void serveAndReportReach({
          shardPeer,
          handle: shardHandle,
          iceServers,
          relayOnly: options.relayOnly ?? false,
          makePeerConnection: makeNodePeerConnection,
          report: (reach) => {
            this.#reach = reach;
            this.#volunteer.reportReach(reach);
          },
        }),
      ...(options.donor === undefined ? {} : { donor: options.donor }),
    });
    this.#done = this.#volunteer.run();
  }

  /** Opens the shard cache and starts connecting. */
  static async start(options: NodeVolunteerOptions): Promise<NodeVolunteer> {
    const quota = options.cacheBytes === undefined ? {} : { maxBytes: options.cacheBytes };
    const store = options.cacheDir === undefined ? new MemoryShardStore(quota) : await FileShardStore.open(options.cacheDir, quota);
    return new NodeVolunteer(options, store);
  }

  /** Resolves when the volunteer stops: undefined after `stop()`, the reason when the coordinator refused it. */
  get done(): Promise<string | undefined> {
    return this.#done;
  }

  async status(): Promise<NodeVolunteerStatus> {
    const [held, bytes] = await Promise.all([this.#store.list(), this.#store.bytesUsed()]);
    return { ...this.#volunteer.status(), ...(this.#reach ? { reach: this.#reach } : {}), shards: { ...this.#fetcher.stats, held: held.length, bytes, serving: this.#shardPeer?.serving ?? false } };
  }

  async stop(): Promise<void> {
    await this.#volunteer.stop();
    this.#shardPeer?.close();
    await this.#pool.close();
  }
}
