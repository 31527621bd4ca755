import { createServer } from "node:net";
import { expect, it } from "vitest";
import { openNodePeer } from "./nodePeerJs.ts";

it("says why it cannot register when nothing answers at the signalling address", async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await expect(openNodePeer(`http://127.0.0.1:${port}`, undefined, 5_000)).rejects.toThrow(
    `cannot register with http://127.0.0.1:${port}/peerjs: the signalling server did not answer`,
  );
});
