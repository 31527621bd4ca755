/** One program of the differential corpus: a Lua chunk whose return values (or error) are compared with native Lua 5.4's. */
export interface DiffCase {
  /** "topic: what it checks", unique in the corpus. */
  name: string;
  /** The chunk; it runs as `case` with the sandbox's globals and returns what is compared. */
  source: string;
  /**
   * Engines on which this case is a difference found and not fixed yet, each with why; the
   * test expects the difference there, so fixing it fails the test until this entry goes.
   */
  open?: Readonly<Record<string, string>>;
}

/** Cases of one topic, written as a record from what each checks to its source. */
export function casesOf(topic: string, sources: Readonly<Record<string, string>>): DiffCase[] {
  return Object.entries(sources).map(([what, source]) => ({ name: `${topic}: ${what}`, source }));
}
