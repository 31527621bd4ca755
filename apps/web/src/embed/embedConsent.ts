/**
 * What the visitor decided about lending CPU from one host site: `allowed` (runs), `paused`
 * (agreed, then pressed Stop), `declined` (No thanks, or consent withdrawn).
 */
export type EmbedConsent = "allowed" | "paused" | "declined";

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
  get(hostOrigin: string): EmbedConsent | undefined {
    const value = this.#storage.getItem(KEY + hostOrigin);
    return value !== null && VALUES.has(value) ? (value as EmbedConsent) : undefined;
  }

  set(hostOrigin: string, consent: EmbedConsent): void {
    this.#storage.setItem(KEY + hostOrigin, consent);
  }
}
