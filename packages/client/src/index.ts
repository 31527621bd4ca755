export { ShoalClient, type ShoalClientOptions, type UploadOptions, type WatchOptions } from "./ShoalClient.ts";
export { ShoalApiError } from "./ShoalApiError.ts";
export { readEventStream, type ServerSentEvent } from "./readEventStream.ts";
export { TaskGraphBuilder, TaskRef, OutputRange, type MapNodeOptions } from "./graph/TaskGraphBuilder.ts";
export { mapReduceGraph } from "./graph/mapReduceGraph.ts";
export type { GraphRequest, GraphSpec, GraphTask, GraphScript } from "./graph/GraphRequest.ts";
export type * from "./types.ts";
