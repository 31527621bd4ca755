import { WebSocket, WebSocketServer } from "ws";
import { WebSocketChannel } from "../channel/WebSocketChannel.ts";
import { runChannelTests } from "../testing/runChannelTests.ts";

runChannelTests("WebSocketChannel (ws)", async () => {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as { port: number };
  const accepted = new Promise<WebSocketChannel>((resolve) => server.once("connection", (socket) => resolve(new WebSocketChannel(socket))));
  const a = await WebSocketChannel.connect(`ws://127.0.0.1:${port}`, { WebSocket });
  const b = await accepted;
  return { a, b, teardown: () => new Promise<void>((resolve) => server.close(() => resolve())) };
});
