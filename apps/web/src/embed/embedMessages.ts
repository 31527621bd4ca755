import type { DonorStats } from "@shoal/worker/browser";

/** From the loader on the host page to the frame (our own code on both ends, origin-checked). */
export type ToFrame = { shoal: "start" } | { shoal: "stop" };

/** From the frame to the loader. */
export type FromFrame = { shoal: "ready" } | { shoal: "stats"; stats: DonorStats };
