import { createServer } from "node:http";
import type { Server } from "node:http";
import express from "express";
import { ExpressPeerServer } from "peer";
import type { Peer } from "peerjs";
import { WebSocketServer } from "ws";
import { PeerJsChannel } from "../../channel/PeerJsChannel.ts";
import { WebSocketChannel } from "../../channel/WebSocketChannel.ts";
import { FakeCoordinator } from "../../testing/FakeCoordinator.ts";
import { COORDINATOR_PEER_ID } from "../connectCoordinator.ts";
import { openNodePeer } from "../nodePeerJs.ts";

/** A FakeCoordinator reachable the way a real one is: `/ws`, PeerJS at `/peerjs` as `shoal-coordinator`, and `/shards/:hash`. */
export interface FakeCoordinatorServer {
  url: string;
  coordinator: FakeCoordinator;
  /** Shard bytes served over HTTP, by hash; counts requests per hash. */
  shards: Map<string, Uint8Array>;
  shardGets: Map<string, number>;
  /** Takes the coordinator's PeerJS peer away, so WebRTC cannot connect. */
  closeCoordinatorPeer(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a fake coordinator on a loopback port, for tests of Node volunteers. */
export async function startFakeCoordinatorServer(): Promise<FakeCoordinatorServer> {
  const coordinator = new FakeCoordinator();
  const shards = new Map<string, Uint8Array>();
  const shardGets = new Map<string, number>();
  const app = express();
  const server: Server = createServer(app);
  let signalling: WebSocketServer | undefined;
  app.use(
    "/peerjs",
    ExpressPeerServer(server, {
      path: "/",
      createWebSocketServer: (options) => (signalling = new WebSocketServer({ noServer: true, path: options.path })),
    }),
  );
  app.get("/shards/:hash", (req, res) => {
    const bytes = shards.get(req.params.hash);
    shardGets.set(req.params.hash, (shardGets.get(req.params.hash) ?? 0) + 1);
    if (bytes) res.type("application/octet-stream").send(Buffer.from(bytes));
    else res.status(404).end();
  });
  const ws = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/ws") ws.handleUpgrade(req, socket, head, (s) => coordinator.accept(new WebSocketChannel(s)));
    else if (path === "/peerjs/peerjs" && signalling) signalling.handleUpgrade(req, socket, head, (s) => signalling!.emit("connection", s, req));
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  coordinator.shardBaseUrl = `${url}/shards`;
  const peer: Peer = await openNodePeer(url, COORDINATOR_PEER_ID);
  peer.on("connection", (connection) => connection.on("open", () => coordinator.accept(new PeerJsChannel(connection))));
  return {
    url,
    coordinator,
    shards,
    shardGets,
    async closeCoordinatorPeer() {
      peer.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
    },
    async close() {
      peer.destroy();
      for (const client of [...ws.clients, ...(signalling?.clients ?? [])]) client.terminate();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
