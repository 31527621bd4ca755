/** The `print` output of one call, capped in bytes; past the cap one "... log truncated" line ends it. */
export class CallLog {
  readonly lines: string[] = [];
  readonly #maxBytes: number;
  #bytes = 0;
  #truncated = false;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Whether further lines are dropped. */
  get truncated(): boolean {
    return this.#truncated;
  }

  /** Adds a line whose UTF-8 encoding is `bytes` long (plus one for its newline). */
  add(line: string, bytes: number): void {
    if (this.#truncated) return;
    if (this.#bytes + bytes + 1 > this.#maxBytes) {
      this.#truncated = true;
      this.lines.push("... log truncated");
      return;
    }
    this.#bytes += bytes + 1;
    this.lines.push(line);
  }
}
