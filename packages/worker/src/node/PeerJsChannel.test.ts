import type { Server } from "node:http";
import { PeerServer } from "peer";
import type { Peer } from "peerjs";
import { afterAll, beforeAll } from "vitest";
import { PeerJsChannel } from "../channel/PeerJsChannel.ts";
import { runChannelTests } from "../testing/runChannelTests.ts";
import { openNodePeer } from "./nodePeerJs.ts";

let server: Server;
let url = "";
let acceptor: Peer;
const accepted: Array<(channel: PeerJsChannel) => void> = [];

beforeAll(async () => {
  server = await new Promise<Server>((resolve) => PeerServer({ host: "127.0.0.1", port: 0, path: "/peerjs" }, (s) => resolve(s as Server)));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  acceptor = await openNodePeer(url, "channel-test-acceptor");
  acceptor.on("connection", (connection) => connection.on("open", () => accepted.shift()?.(new PeerJsChannel(connection))));
});

afterAll(async () => {
  acceptor.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

runChannelTests("PeerJsChannel (@roamhq/wrtc)", async () => {
  const dialer = await openNodePeer(url);
  const b = new Promise<PeerJsChannel>((resolve) => accepted.push(resolve));
  const a = await PeerJsChannel.connect(dialer, "channel-test-acceptor");
  return { a, b: await b, teardown: () => dialer.destroy() };
});
