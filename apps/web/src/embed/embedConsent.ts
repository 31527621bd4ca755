/**
 * What the visitor decided about lending CPU from one host site: `allowed` (runs), `paused`
 * (agreed, then pressed Stop), `declined` (No thanks, or consent withdrawn).
 */
export type EmbedConsent = "allowed" | "paused" | "declined";

/** A decision and the most it covers: the threads and CPU share the prompt showed when Allow was clicked. */
export interface ConsentRecord {
  consent: EmbedConsent;
  threads: number;
  cpuPercent: number;
}

const KEY = "shoal.embed.consent:";
const VALUES = new Set<string>(["allowed", "paused", "declined"]);

/**
 * The visitor's decisions, kept in the coordinator origin's storage inside the frame, where the
 * host page cannot read or write them, one entry per host origin.
 */
export class ConsentStore {
  readonly #storage: Pick<Storage, "getItem" | "setItem">;

  constructor(storage: Pick<Storage, "getItem" | "setItem">) {
    this.#storage = storage;
  }

  /** The decision for `hostOrigin`; undefined when none was made (or storage holds something else). */
  get(hostOrigin: string): ConsentRecord | undefined {
    let value: unknown;
    try {
      value = JSON.parse(this.#storage.getItem(KEY + hostOrigin) ?? "null");
    } catch {
      return undefined;
    }
    if (typeof value !== "object" || value === null) return undefined;
    const { consent, threads, cpuPercent } = value as Record<string, unknown>;
    if (typeof consent !== "string" || !VALUES.has(consent) || !isCount(threads, 1, 64) || !isCount(cpuPercent, 1, 100)) return undefined;
    return { consent: consent as EmbedConsent, threads, cpuPercent };
  }

  set(hostOrigin: string, record: ConsentRecord): void {
    this.#storage.setItem(KEY + hostOrigin, JSON.stringify(record));
  }
}

function isCount(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}
