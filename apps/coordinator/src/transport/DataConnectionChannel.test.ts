import type { Server } from "node:http";
import { PeerServer } from "peer";
import type { Peer } from "peerjs";
import { afterAll, beforeAll } from "vitest";
import { PeerJsChannel } from "@shoal/worker";
import { openNodePeer } from "@shoal/worker/node";
import type { ChannelPair } from "@shoal/worker/testing";
import { runChannelTests } from "@shoal/worker/testing";
import { DataConnectionChannel } from "./DataConnectionChannel.ts";

let server: Server;
let url = "";
let acceptor: Peer;
const accepted: Array<(channel: DataConnectionChannel) => void> = [];

beforeAll(async () => {
  server = await new Promise<Server>((resolve) => PeerServer({ host: "127.0.0.1", port: 0, path: "/peerjs" }, (s) => resolve(s as Server)));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  acceptor = await openNodePeer(url, "data-connection-channel-test");
  acceptor.on("connection", (connection) =>
    connection.on("open", () => accepted.shift()?.(new DataConnectionChannel(connection, () => connection.close()))),
  );
});

afterAll(async () => {
  acceptor.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The coordinator's end of a data connection and the worker's end, as they meet in the grid. */
async function peerPair(): Promise<{ coordinator: DataConnectionChannel; worker: PeerJsChannel; teardown: () => void }> {
  const dialer = await openNodePeer(url);
  const coordinator = new Promise<DataConnectionChannel>((resolve) => accepted.push(resolve));
  const worker = await PeerJsChannel.connect(dialer, "data-connection-channel-test");
  return { coordinator: await coordinator, worker, teardown: () => dialer.destroy() };
}

runChannelTests("DataConnectionChannel (coordinator) ↔ PeerJsChannel (worker)", async (): Promise<ChannelPair> => {
  const { coordinator, worker, teardown } = await peerPair();
  return { a: coordinator, b: worker, teardown };
});

runChannelTests("PeerJsChannel (worker) ↔ DataConnectionChannel (coordinator)", async (): Promise<ChannelPair> => {
  const { coordinator, worker, teardown } = await peerPair();
  return { a: worker, b: coordinator, teardown };
});
