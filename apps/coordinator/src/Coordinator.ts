import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { prepareEngine } from "@shoal/lua";
import type { EngineName } from "@shoal/protocol";
import { createAuthorToken } from "./auth/authorTokens.ts";
import type { CoordinatorOptions } from "./CoordinatorOptions.ts";
import { resolveOptions } from "./CoordinatorOptions.ts";
import { creditEntries } from "./credit/creditEntries.ts";
import { DatasetService } from "./datasets/DatasetService.ts";
import { ShardFiles } from "./datasets/ShardFiles.ts";
import { DurableScheduler } from "./volunteers/DurableScheduler.ts";
import { Grid } from "./volunteers/Grid.ts";
import { JobService } from "./authors/JobService.ts";
import { LiveJobs } from "./authors/LiveJobs.ts";
import { Metrics } from "./volunteers/Metrics.ts";
import { answerClientError, MAX_HEADER_BYTES } from "./http/answerClientError.ts";
import type { Mount } from "./http/createRequestHandler.ts";
import { createRequestHandler } from "./http/createRequestHandler.ts";
import { ScriptProbe } from "./probe/ScriptProbe.ts";
import { openStores } from "./store/openStores.ts";
import { JobOwnership } from "./cluster/JobOwnership.ts";
import { PROGRESS_CHANNEL, ProgressPublisher } from "./cluster/ProgressPublisher.ts";
import { ProgressReader } from "./cluster/ProgressReader.ts";
import { OfferPublisher } from "./cluster/OfferPublisher.ts";
import { RemoteFeeder } from "./cluster/RemoteFeeder.ts";
import { DEMAND_CHANNEL, OFFERS_CHANNEL, RESULTS_CHANNEL, TaskOffers } from "./store/postgres/TaskOffers.ts";
import { newId } from "./newId.ts";
import { JobLeases } from "./store/postgres/JobLeases.ts";
import { JobTasks } from "./tasks/JobTasks.ts";
import { TaskHistory } from "./tasks/TaskHistory.ts";
import { CoordinatorPeer } from "./transport/CoordinatorPeer.ts";
import { IceServerIssuer } from "./transport/IceServerIssuer.ts";
import type { Closable } from "./transport/keepCoordinatorPeer.ts";
import { keepCoordinatorPeer } from "./transport/keepCoordinatorPeer.ts";
import { PeerSignalling } from "./transport/PeerSignalling.ts";
import { WebSocketTransport } from "./transport/WebSocketTransport.ts";

/** A coordinator that is up: where it listens, the author token made on first start, and how to stop it. */
export interface RunningCoordinator {
  url: string;
  port: number;
  /** Set only when this start created the data directory's first author token. */
  token?: string;
  close(): Promise<void>;
}

/**
 * Starts a coordinator: the store, SQLite in `dataDir` or PostgreSQL at `store` (restoring the
 * scheduler from its snapshot and log), the HTTP API, the WebSocket endpoint `/ws`, the PeerJS signalling server `/peerjs`
 * and the coordinator's own PeerJS peer, all on one HTTP server, plus the lease-expiry tick. On
 * PostgreSQL the process is one node among any number on the same database: it owns the jobs
 * submitted to it, and takes over those whose owner stopped renewing their leases ({@link JobOwnership}).
 */
export async function startCoordinator(options: CoordinatorOptions): Promise<RunningCoordinator> {
  const o = resolveOptions(options);
  const { logger } = o;
  mkdirSync(o.dataDir, { recursive: true });
  rmSync(join(o.dataDir, "tmp"), { recursive: true, force: true });
  const node = newId("n");
  const { store, postgres, history: historyStore, sharedShards, where } = openStores(o.dataDir, o.store, node);
  const token = store.countTokens() === 0 ? createAuthorToken(store, "first start") : undefined;
  const scheduler = DurableScheduler.open(store, o.scheduler, o.snapshotEvery);
  const leases = postgres ? new JobLeases(postgres.connection, node, o.leaseTtlMs) : undefined;
  const ownership = postgres && leases ? new JobOwnership({ leases, store: postgres, scheduler, schedulerOptions: o.scheduler, logger }) : undefined;
  // Other coordinators show this one's jobs from what it publishes, and this one theirs from what they do.
  const publisher = postgres && leases ? new ProgressPublisher({ db: postgres.connection, node, held: () => leases.held(), progress: (id) => scheduler.jobSnapshot(id), logger }) : undefined;
  const remote = postgres ? new ProgressReader({ db: postgres.connection, logger }) : undefined;
  if (postgres && remote) postgres.connection.listen(PROGRESS_CHANNEL, (payload) => remote.notified(payload));
  scheduler.withinCommit((events) => store.credit.record(creditEntries(events, store.credit, new Date().toISOString())));
  const restoredPeers = scheduler.peerIds();
  const metrics = new Metrics();
  // On PostgreSQL the shards' bytes live in the database too, so any coordinator serves any shard; the disk is a cache.
  const shards = new ShardFiles(join(o.dataDir, "shards"), join(o.dataDir, "tmp"), sharedShards && { store: sharedShards, maxBytes: o.maxUploadBytes });
  const datasets = new DatasetService(store, shards, { maxUploadBytes: o.maxUploadBytes, maxSeries: o.limits.maxSeriesPerDataset, chunkRows: o.chunkRows });
  const probe = new ScriptProbe({ deadlineMs: o.probeDeadlineMs, heapMb: o.probeHeapMb, budget: o.probeBudget });
  const engines = (name: EngineName) => prepareEngine(name, { warmUp: false });
  const jobs = new JobService({ store, scheduler, datasets, engines, probe, limits: o.limits, remote });
  const live = new LiveJobs({
    submit: (request, within) => jobs.submit(request, within),
    cancel: (id) => jobs.cancel(id),
    view: (id) => jobs.view(id),
    resultText: (id) => jobs.resultText(id),
    dataset: (id) => datasets.get(id),
    onFinished: (listener) => jobs.onFinished(listener),
    onAppended: (listener) => datasets.onAppended(listener),
    store,
    logger,
    shared: postgres !== undefined,
  }, o.limits.maxLiveJobs, o.limits.maxLiveJobsPerToken);
  live.restore();
  const history = new TaskHistory(historyStore, scheduler, logger);
  const tasks = new JobTasks(historyStore, jobs, scheduler);
  const ice = o.ice ? new IceServerIssuer(o.ice) : undefined;
  const iceServers = ice ? (peerId: string, now: number) => ice.issue(peerId, now) : undefined;
  const grid = new Grid({ scheduler, store, metrics, logger, history, spec: (id) => jobs.spec(id), heartbeatMs: o.heartbeatMs, helloTimeoutMs: o.helloTimeoutMs, peerRetentionMs: o.peerRetentionMs, silenceMs: o.silenceMs, iceServers, iceRefreshMs: ice?.refreshMs });
  // Volunteers on any node are fed from every job: owners offer what their own volunteers leave queued, idle volunteers' nodes claim it.
  const offers = postgres ? new TaskOffers(postgres.connection, node, { claimTtlMs: o.leaseTtlMs, offerTtlMs: o.leaseTtlMs }) : undefined;
  const offering = offers && leases ? new OfferPublisher({ offers, scheduler, held: () => leases.held(), spec: (id) => jobs.spec(id), logger }) : undefined;
  const feeder = offers ? new RemoteFeeder({ offers, grid, spec: (id) => jobs.spec(id), logger, renewMs: o.leaseRenewMs }) : undefined;
  if (postgres && offering && feeder) {
    postgres.connection.listen(RESULTS_CHANNEL, (payload) => offering.notified(payload));
    postgres.connection.listen(DEMAND_CHANNEL, (payload) => offering.demanded(payload));
    postgres.connection.listen(OFFERS_CHANNEL, () => feeder.notified());
  }

  // Idle keep-alive sockets stay open 65 s, longer than clients (undici: 4 s) and load balancers
  // (60 s is common) keep theirs: the client then always closes first, instead of sending a request
  // on a socket the server is closing at that moment (a reset a POST does not survive).
  const server = createServer({ requestTimeout: 30 * 60_000, maxHeaderSize: MAX_HEADER_BYTES, keepAliveTimeout: 65_000 });
  const signallingToken = randomBytes(24).toString("hex");
  const signalling = o.webrtc ? new PeerSignalling(server, { coordinatorId: o.webrtc.peerId, coordinatorToken: signallingToken, logger }) : undefined;
  // Without WebRTC, /peerjs answers 404 rather than the web app's page, so volunteers can tell there is no signalling server.
  const mounts: Mount[] = [signalling ? (req, res, path) => signalling.handleRequest(req, res, path) : noSignalling];
  let baseUrl = "";
  const shardBaseUrl = (req?: IncomingMessage) => `${o.publicUrl ?? hostUrl(req) ?? baseUrl}/shards`;
  const ws = new WebSocketTransport(grid, logger, shardBaseUrl);
  const deps = { store, datasets, shards, jobs, live, tasks, grid, metrics, logger, maxUploadBytes: o.maxUploadBytes, webDist: o.webDist, progressMs: o.progressMs, publicRequestsPerSecond: o.publicRequestsPerSecond };
  server.on("request", createRequestHandler(deps, mounts));
  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://coordinator").pathname;
    if (path === "/ws") ws.handleUpgrade(req, socket, head);
    else if (signalling?.accepts(path)) signalling.handleUpgrade(req, socket, head);
    else socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
  });
  server.on("clientError", answerClientError);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => (server.off("error", reject), resolve()));
  });
  const port = (server.address() as AddressInfo).port;
  const loopback = o.host === "0.0.0.0" || o.host === "::" ? "127.0.0.1" : o.host;
  baseUrl = `http://${loopback.includes(":") ? `[${loopback}]` : loopback}:${port}`;

  const ticker = setInterval(() => {
    try {
      grid.tick(Date.now());
    } catch (error) {
      logger.error(`tick: ${error instanceof Error ? error.message : String(error)}`);
    }
  }, o.tickMs);
  const grace = setTimeout(() => grid.removeAbsent(restoredPeers), o.peerGraceMs);
  ownership?.start({ ttlMs: o.leaseTtlMs, renewMs: o.leaseRenewMs });
  publisher?.start();
  offering?.start();
  feeder?.start();
  let peer: Closable | undefined;
  if (o.webrtc) {
    const { peerId: id, iceServers, maxConnections } = o.webrtc;
    const peerOptions = { host: loopback, port, id, token: signallingToken, iceServers, grid, logger, shardBaseUrl: shardBaseUrl(), maxConnections };
    peer = await keepCoordinatorPeer(() => CoordinatorPeer.start(peerOptions), logger);
  }
  logger.info(`coordinator${leases ? ` ${node}` : ""} listening on ${baseUrl} (store ${where}, shards in ${o.dataDir}${restoredPeers.length ? `, ${restoredPeers.length} peers to wait for` : ""})`);

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      clearInterval(ticker);
      clearTimeout(grace);
      peer?.close();
      grid.close();
      ws.close();
      signalling?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await probe.close();
      feeder?.close();
      offering?.close();
      scheduler.snapshot();
      publisher?.close();
      ownership?.close();
      history.flush();
      historyStore.close();
      await sharedShards?.close();
      store.close();
    })());
  const running: RunningCoordinator = { url: baseUrl, port, close };
  if (token) running.token = token;
  return running;
}

/** `http://<Host header>` when the header looks like a host name, so workers fetch shards where they reached us. */
function hostUrl(req: IncomingMessage | undefined): string | undefined {
  const host = req?.headers.host;
  return host && /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host) ? `http://${host}` : undefined;
}

/** `/peerjs` on a coordinator run with `--no-webrtc`: a 404 that says why, where the web app would answer its page. */
function noSignalling(_req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (path !== "/peerjs" && !path.startsWith("/peerjs/")) return false;
  const body = JSON.stringify({ error: "this coordinator runs without WebRTC (--no-webrtc): no signalling server" });
  res.writeHead(404, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
  return true;
}
