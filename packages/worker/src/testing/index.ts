export { runChannelTests, type ChannelPair } from "./runChannelTests.ts";
export { runShardStoreTests, fakeShard } from "./runShardStoreTests.ts";
export { FakeCoordinator, type FakePeer } from "./FakeCoordinator.ts";
export { testSeries, testShard, meanJob, mapTask } from "./fixtures.ts";
export { runExecutorTests } from "./runExecutorTests.ts";
