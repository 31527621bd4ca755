import type { DonorHello } from "@shoal/protocol";
import type { ShardStore } from "../shards/ShardStore.ts";
import { ShardFetcher } from "../shards/ShardFetcher.ts";
import { Volunteer } from "../volunteer/Volunteer.ts";
import { ShardPeer } from "../shards/ShardPeer.ts";
import { serveAndReportReach } from "../connectivity/serveAndReportReach.ts";
import { makeBrowserPeerConnection, openBrowserPeer } from "./browserPeer.ts";
import { connectFromBrowser } from "./connectFromBrowser.ts";
import { WebWorkerPool } from "./WebWorkerPool.ts";
import { workerTicker } from "./workerTicker.ts";

/** What a donor chooses; kept by the page (e.g. in localStorage). */
export interface DonorSettings {
  threads: number;
  /** Share of each thread's time spent computing, 1–100. */
  cpuPercent: number;
  pauseWhenHidden: boolean;
  pauseOnBattery: boolean;
}

/** Honest live numbers for the donor page. */
export interface DonorStats {
  state: "stopped" | "paused" | "connecting" | "connected" | "refused";
  pausedBecause: string | undefined;
  transport: string | undefined;
  tasksDone: number;
  tasksFailed: number;
  cpuMs: number;
  shardsHeld: number;
  bytesCached: number;
  /** The job of a task running now; undefined while idle, paused or stopped. */
  currentJob: string | undefined;
  shardsFrom: { cache: number; peer: number; http: number };
  badPeers: number;
  workersReplaced: number;
}

export interface BrowserVolunteerOptions {
  coordinatorUrl: string;
  store: ShardStore;
  settings: DonorSettings;
  /** Wall-clock limit per task (default 5 minutes). */
  deadlineMs?: number;
  transport?: "webrtc" | "ws";
  /** Shard exchange only through the TURN relays of the welcome (`iceTransportPolicy: "relay"`), as behind a strict NAT. */
  relayOnly?: boolean;
  log?: (line: string) => void;
  /** Whom accepted work is credited to: the donor page's key, or the embedding site. */
  donor?: DonorHello;
}

/** Threads a donor gives by default: all cores but one, at least one. */
export function defaultThreads(): number {
  return Math.max(1, (globalThis.navigator?.hardwareConcurrency ?? 2) - 1);
}

interface Session {
  volunteer: Volunteer;
  pool: WebWorkerPool;
  threads: number;
}

/**
 * The volunteer of a donor page: Web Worker executors, the IndexedDB shard cache, shard exchange
 * with other pages over WebRTC, WebRTC-or-WebSocket to the coordinator with reconnects. Nothing
 * runs until `start()`; it pauses while the tab is hidden or on battery when the donor asks.
 */
export class BrowserVolunteer {
  readonly #options: BrowserVolunteerOptions;
  readonly #fetcher: ShardFetcher;
  readonly #shardPeer: ShardPeer;
  readonly #log: (line: string) => void;
  /** One heartbeat clock in a Web Worker for every session of this page. */
  readonly #ticker = workerTicker();
  #settings: DonorSettings;
  #wanted = false;
  #onBattery = false;
  #session: Session | undefined;
  #refused: string | undefined;
  #queue: Promise<void> = Promise.resolve();
  readonly #totals = { done: 0, failed: 0, cpuMs: 0, replaced: 0 };

  constructor(options: BrowserVolunteerOptions) {
    this.#options = options;
    this.#settings = { ...options.settings };
    this.#log = options.log ?? (() => undefined);
    this.#shardPeer = new ShardPeer(openBrowserPeer, options.coordinatorUrl, options.store, this.#log);
    this.#fetcher = new ShardFetcher({
      store: options.store,
      dialPeer: (handle) => this.#shardPeer.dial(handle),
      onBadPeer: (peerId, reason) => this.#log(`peer ${peerId} sent a bad shard and will not be asked again: ${reason}`),
    });
    if (typeof document !== "undefined") document.addEventListener("visibilitychange", () => this.#reconcile());
    void this.#watchBattery();
  }

  get settings(): DonorSettings {
    return { ...this.#settings };
  }

  start(): Promise<void> {
    this.#wanted = true;
    return this.#reconcile();
  }

  stop(): Promise<void> {
    this.#wanted = false;
    return this.#reconcile();
  }

  /** Applies new settings; a new thread count reconnects with it, a new CPU cap applies at once. */
  update(settings: DonorSettings): Promise<void> {
    this.#settings = { ...settings };
    if (this.#session) this.#session.pool.cpuPercent = settings.cpuPercent;
    return this.#reconcile();
  }

  async stats(): Promise<DonorStats> {
    const session = this.#session;
    const status = session?.volunteer.status();
    const pool = session?.pool.stats;
    const [held, bytes] = await Promise.all([this.#options.store.list(), this.#options.store.bytesUsed()]);
    const paused = this.#pauseReason();
    const { cache, peer, http, badPeers } = this.#fetcher.stats;
    return {
      state: this.#refused !== undefined ? "refused" : status ? (status.state === "connected" ? "connected" : "connecting") : this.#wanted ? "paused" : "stopped",
      pausedBecause: this.#wanted ? paused : undefined,
      transport: status?.transport,
      tasksDone: this.#totals.done + (status?.done ?? 0),
      tasksFailed: this.#totals.failed + (status?.failed ?? 0),
      cpuMs: Math.round(this.#totals.cpuMs + (pool?.cpuMs ?? 0)),
      shardsHeld: held.length,
      bytesCached: bytes,
      currentJob: session?.pool.currentJob,
      shardsFrom: { cache, peer, http },
      badPeers,
      workersReplaced: this.#totals.replaced + (pool?.replaced ?? 0),
    };
  }

  #pauseReason(): string | undefined {
    if (this.#settings.pauseWhenHidden && typeof document !== "undefined" && document.visibilityState === "hidden") return "the tab is hidden";
    if (this.#settings.pauseOnBattery && this.#onBattery) return "running on battery";
    return undefined;
  }

  #reconcile(): Promise<void> {
    this.#queue = this.#queue.then(async () => {
      const run = this.#wanted && this.#refused === undefined && this.#pauseReason() === undefined;
      const session = this.#session;
      if (session && (!run || session.threads !== this.#settings.threads)) await this.#end(session);
      if (run && !this.#session) await this.#begin();
    });
    return this.#queue;
  }

  /** Starts the Web Workers, learns which engines they run (wasmoon only if its WebAssembly loads, compiled only if its worker may compile), then connects. */
  async #begin(): Promise<void> {
    const { coordinatorUrl, transport, deadlineMs } = this.#options;
    const threads = Math.max(1, Math.round(this.#settings.threads));
    const pool = new WebWorkerPool({ threads, deadlineMs: deadlineMs ?? 5 * 60_000, cpuPercent: this.#settings.cpuPercent });
    const engines = await pool.engines(undefined, (engine, reason) => this.#log(`${engine} is not available here (${reason}); not taking ${engine} jobs`));
    const volunteer = new Volunteer({
      connect: () => connectFromBrowser({ url: coordinatorUrl, transport: transport ?? "webrtc", log: this.#log }),
      executor: pool,
      shards: this.#fetcher,
      threads,
      engines,
      runtime: "browser",
      ticker: this.#ticker,
      coordinatorUrl,
      log: this.#log,
      onIceServers: (iceServers) => this.#shardPeer.useIceServers(iceServers),
      onWelcome: ({ shardHandle, iceServers }) =>
        void serveAndReportReach({
          shardPeer: this.#shardPeer,
          handle: shardHandle,
          iceServers,
          relayOnly: this.#options.relayOnly ?? false,
          makePeerConnection: makeBrowserPeerConnection,
          report: (reach) => volunteer.reportReach(reach),
        }),
      ...(this.#options.donor === undefined ? {} : { donor: this.#options.donor }),
    });
    const session: Session = { volunteer, pool, threads };
    this.#session = session;
    void volunteer.run().then((refused) => {
      if (refused === undefined) return;
      this.#refused = refused;
      void this.#reconcile();
    });
  }

  async #end(session: Session): Promise<void> {
    this.#session = undefined;
    await session.volunteer.stop();
    await session.pool.close();
    const status = session.volunteer.status();
    this.#totals.done += status.done;
    this.#totals.failed += status.failed;
    this.#totals.cpuMs += session.pool.stats.cpuMs;
    this.#totals.replaced += session.pool.stats.replaced;
  }

  async #watchBattery(): Promise<void> {
    const nav = globalThis.navigator as (Navigator & { getBattery?: () => Promise<BatteryLike> }) | undefined;
    const battery = await nav?.getBattery?.().catch(() => undefined);
    if (!battery) return;
    const check = () => {
      this.#onBattery = !battery.charging;
      void this.#reconcile();
    };
    battery.addEventListener("chargingchange", check);
    check();
  }
}

interface BatteryLike extends EventTarget {
  readonly charging: boolean;
}
