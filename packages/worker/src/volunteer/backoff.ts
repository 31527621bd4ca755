/** How long to wait before reconnect attempt `attempt` (0-based): doubling from `initialMs` up to `maxMs`, with jitter. */
export function backoffDelay(attempt: number, options: { initialMs: number; maxMs: number }, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
