import { WebSocket, WebSocketServer } from "ws";
import { WebSocketChannel } from "@shoal/worker";
import type { ChannelPair } from "@shoal/worker/testing";
import { runChannelTests } from "@shoal/worker/testing";
import { WsChannel } from "./WsChannel.ts";

/** The coordinator's end of a WebSocket and the worker's end, as they meet in the grid. */
async function wsPair(): Promise<{ coordinator: WsChannel; worker: WebSocketChannel; teardown: () => Promise<void> }> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as { port: number };
  const accepted = new Promise<WsChannel>((resolve) => server.once("connection", (socket) => resolve(new WsChannel(socket, () => {}))));
  const worker = await WebSocketChannel.connect(`ws://127.0.0.1:${port}`, { WebSocket });
  const coordinator = await accepted;
  return { coordinator, worker, teardown: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

runChannelTests("WsChannel (coordinator) ↔ WebSocketChannel (worker)", async (): Promise<ChannelPair> => {
  const { coordinator, worker, teardown } = await wsPair();
  return { a: coordinator, b: worker, teardown };
});

runChannelTests("WebSocketChannel (worker) ↔ WsChannel (coordinator)", async (): Promise<ChannelPair> => {
  const { coordinator, worker, teardown } = await wsPair();
  return { a: worker, b: coordinator, teardown };
});
