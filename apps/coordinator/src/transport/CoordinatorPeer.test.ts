import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { SP500_CSV } from "../testing/fixtures.ts";
import type { TestCoordinator } from "../testing/startTestCoordinator.ts";
import { startTestCoordinator } from "../testing/startTestCoordinator.ts";
import { dataConnectionWorker } from "../testing/dataConnectionWorker.ts";
import { COORDINATOR_PEER_ID } from "./CoordinatorPeer.ts";
import type { DataConnectionLike, PeerConstructor, PeerLike } from "./peerjsTypes.ts";
import { SIGNALLING_KEY, SIGNALLING_PATH } from "./PeerSignalling.ts";
import type { PeerView } from "../volunteers/Grid.ts";
import type { JobView } from "../authors/JobView.ts";
import type { DatasetView } from "../http/routes/datasetRoutes.ts";
import { json } from "../testing/startTestCoordinator.ts";

/** A job whose map output is large enough that replies and results go in several frames. */
const BIG_SPEC = {
  script: "function map(s, p)\n  local out = {}\n  for i = s.first, #s.close do out[#out + 1] = s.close[i] * p.k end\n  return out\nend",
  params: { k: [1, 2] },
  split: { kind: "rows" as const, rows: 2000 },
};

describe("the coordinator's PeerJS peer over WebRTC", () => {
  let c: TestCoordinator;
  let Peer: PeerConstructor;
  const peers: PeerLike[] = [];
  beforeAll(async () => {
    c = await startTestCoordinator({ webrtc: {} });
    const peerjs = (await import("peerjs")) as unknown as { Peer?: PeerConstructor; default?: { Peer?: PeerConstructor } };
    Peer = (peerjs.Peer ?? peerjs.default?.Peer) as PeerConstructor;
  });
  afterAll(async () => {
    peers.forEach((p) => p.destroy());
    await c.close();
  });

  const connect = async (): Promise<DataConnectionLike> => {
    const port = Number(new URL(c.url).port);
    const peer = new Peer(`worker-${peers.length}`, { host: "127.0.0.1", port, path: SIGNALLING_PATH, key: SIGNALLING_KEY, token: "t", secure: false, debug: 0, config: { iceServers: [] } });
    peers.push(peer);
    await new Promise<void>((resolve, reject) => (peer.on("open", () => resolve()), peer.on("error", reject)));
    const connection = (peer as unknown as { connect(id: string, o: object): DataConnectionLike }).connect(COORDINATOR_PEER_ID, { reliable: true, serialization: "raw" });
    await new Promise<void>((resolve, reject) => (connection.on("open", resolve), connection.on("error", reject)));
    return connection;
  };

  it("runs a job for a Node PeerJS worker, with framed messages both ways", async () => {
    const dataset = (await json<DatasetView>(c.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
    const job = await json<JobView>(c.api("/api/jobs", { method: "POST", body: JSON.stringify({ dataset, spec: BIG_SPEC }) }));
    const connection = await connect();
    const worker = dataConnectionWorker(connection);
    await worker.start();
    for (let i = 0; i < 200; i++) {
      const view = await json<JobView>(c.api(`/api/jobs/${job.id}`));
      if (view.status === "done") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const result = await json<number[][]>(c.api(`/api/jobs/${job.id}/result`));
    expect(result.map((r) => r.length)).toEqual([2000, 2000, 2000, 2000, 1105, 1105]);
    expect(worker.sent.some((m) => JSON.stringify(m).length > 16 * 1024)).toBe(true);
    const [peer] = await json<PeerView[]>(c.api("/api/peers"));
    expect(peer).toMatchObject({ transport: "webrtc", tasksDone: 3 });
    expect(await (await fetch(`${c.url}/metrics`)).text()).toContain('shoal_peers{transport="webrtc"} 1');
  });

  it("lets nobody else register the coordinator's peer id", async () => {
    const port = new URL(c.url).port;
    const socket = new WebSocket(`ws://127.0.0.1:${port}${SIGNALLING_PATH}/${SIGNALLING_KEY}?key=peerjs&id=${COORDINATOR_PEER_ID}&token=guess`);
    const status = await new Promise<number>((resolve) => {
      socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      socket.on("error", () => resolve(-1));
    });
    expect(status).toBe(403);
  });
});
