import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { PeerView } from "../volunteers/Grid.ts";
import type { TestCoordinator } from "../testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "../testing/startTestCoordinator.ts";
import { dataConnectionWorker } from "../testing/dataConnectionWorker.ts";
import type { TestWorker } from "../testing/TestWorker.ts";
import { COORDINATOR_PEER_ID } from "./CoordinatorPeer.ts";
import type { DataConnectionLike, PeerConstructor, PeerLike } from "./peerjsTypes.ts";
import { SIGNALLING_KEY, SIGNALLING_PATH } from "./PeerSignalling.ts";

const SOCKET_PATH = `${SIGNALLING_PATH}/${SIGNALLING_KEY}`;

/** Opens a signalling WebSocket with `query`: the HTTP status of a refused upgrade, or "open" and the first server message. */
function register(port: number, query: string): Promise<{ status: number | "open"; first?: string }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${SOCKET_PATH}?${query}`);
    socket.on("unexpected-response", (_req, res) => (resolve({ status: res.statusCode ?? 0 }), socket.terminate()));
    socket.on("error", () => resolve({ status: -1 }));
    socket.on("message", (data: Buffer) => (resolve({ status: "open", first: data.toString() }), socket.close()));
  });
}

async function loadPeer(): Promise<PeerConstructor> {
  const peerjs = (await import("peerjs")) as unknown as { Peer?: PeerConstructor; default?: { Peer?: PeerConstructor } };
  return (peerjs.Peer ?? peerjs.default?.Peer) as PeerConstructor;
}

/** A donor over WebRTC: a PeerJS peer that opens a raw data connection to the coordinator's id and says hello. */
async function donor(Peer: PeerConstructor, port: number, peers: PeerLike[]): Promise<TestWorker> {
  const peer = new Peer(`donor-${peers.length}`, { host: "127.0.0.1", port, path: SIGNALLING_PATH, key: SIGNALLING_KEY, token: "t", secure: false, debug: 0, config: { iceServers: [] } });
  peers.push(peer);
  await new Promise<void>((resolve, reject) => (peer.on("open", () => resolve()), peer.on("error", reject)));
  const connection = (peer as unknown as { connect(id: string, o: object): DataConnectionLike }).connect(COORDINATOR_PEER_ID, { reliable: true, serialization: "raw" });
  await new Promise<void>((resolve, reject) => (connection.on("open", resolve), connection.on("error", reject)));
  const worker = dataConnectionWorker(connection);
  await worker.start();
  return worker;
}

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    server.close(() => resolve(port));
  }));
}

describe("the PeerJS signalling server under hostile clients", () => {
  const coordinators: TestCoordinator[] = [];
  const peers: PeerLike[] = [];
  afterEach(() => peers.splice(0).forEach((p) => p.destroy()));
  afterAll(() => Promise.all(coordinators.map((c) => c.close())));

  it.each([
    ["id twice, the coordinator's last", `key=peerjs&id=x&id=${COORDINATOR_PEER_ID}&token=guess`],
    ["id twice, the coordinator's first", `key=peerjs&id=${COORDINATOR_PEER_ID}&id=x&token=guess`],
    ["id twice, percent-encoded name", `key=peerjs&id=x&%69d=${COORDINATOR_PEER_ID}&token=guess`],
    ["token twice", `key=peerjs&id=${COORDINATOR_PEER_ID}&token=a&token=b`],
    ["key twice", `key=peerjs&key=other&id=someone&token=t`],
  ])("refuses a WebSocket upgrade naming a parameter twice (%s) with 400", async (_name, query) => {
    const c = await startTestCoordinator({ webrtc: {} });
    coordinators.push(c);
    expect(await register(c.port, query)).toEqual({ status: 400 });
    expect(await register(c.port, `key=peerjs&id=${COORDINATOR_PEER_ID}&token=guess`)).toEqual({ status: 403 });
    const honest = await register(c.port, "key=peerjs&id=someone&token=t");
    expect(honest.status).toBe("open");
    expect(honest.first).toContain('"OPEN"');
  });

  it("refuses the HTTP routes a repeated id, key or token with 400, and serves them otherwise", async () => {
    const c = await startTestCoordinator({ webrtc: {} });
    coordinators.push(c);
    for (const query of ["id=a&id=b", "token=a&token=b", "key=a&key=b"]) {
      const response = await fetch(`${c.url}${SIGNALLING_PATH}/${SIGNALLING_KEY}/id?${query}`);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/more than once/);
    }
    const id = await fetch(`${c.url}${SIGNALLING_PATH}/${SIGNALLING_KEY}/id?id=a`);
    expect(id.status).toBe(200);
    expect((await id.text()).length).toBeGreaterThan(0);
  });

  it("lets no client racing the start-up take the coordinator's id, and donors then reach the real coordinator", async () => {
    const port = await freePort();
    const starting = startTestCoordinator({ port, webrtc: {} });
    let started = false;
    void starting.then(() => (started = true), () => (started = true));
    const attempts: Array<Promise<{ status: number | "open" }>> = [];
    const queries = [
      `key=peerjs&id=${COORDINATOR_PEER_ID}&token=guess`,
      `key=peerjs&id=x&id=${COORDINATOR_PEER_ID}&token=guess`,
      `key=peerjs&id=${COORDINATOR_PEER_ID}&token=`,
    ];
    while (!started) {
      for (const query of queries) attempts.push(register(port, query));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const c = await starting;
    coordinators.push(c);
    const outcomes = await Promise.all(attempts);
    const answered = outcomes.filter((o) => o.status !== -1);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.filter((o) => o.status === "open")).toEqual([]);
    for (const outcome of answered) expect([400, 403]).toContain(outcome.status);

    const Peer = await loadPeer();
    const worker = await donor(Peer, port, peers);
    expect(worker.peerId).toMatch(/\S/);
    const listed = await json<PeerView[]>(c.api("/api/peers"));
    expect(listed).toEqual([expect.objectContaining({ transport: "webrtc" })]);
  });
});
