import type { DonorStats } from "@shoal/worker/browser";

/**
 * From the host page to the frame. The host is untrusted: `show` only asks the frame to show its
 * badge (the consent prompt when the visitor has not agreed), `pause` stops work for this page
 * view. Neither can start a volunteer; only a click on Allow or Start inside the frame does.
 */
export type ToFrame = { shoal: "show" } | { shoal: "pause" };

/** From the frame to the loader: its badge's size, and live stats while the visitor lends CPU. */
export type FromFrame = { shoal: "ready" } | { shoal: "size"; width: number; height: number } | { shoal: "stats"; stats: DonorStats };

const TO_FRAME = new Set<string>(["show", "pause"]);

/** A host message as the frame accepts it, or undefined for anything else (no error goes back to the host). */
export function parseToFrame(data: unknown): ToFrame | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  const keys = Object.keys(data);
  const kind = (data as { shoal?: unknown }).shoal;
  if (keys.length !== 1 || typeof kind !== "string" || !TO_FRAME.has(kind)) return undefined;
  return { shoal: kind } as ToFrame;
}
