import { runChannelTests } from "../testing/runChannelTests.ts";
import { MemoryChannel } from "./MemoryChannel.ts";

runChannelTests("MemoryChannel", async () => {
  const [a, b] = MemoryChannel.pair();
  return { a, b };
});
