import type { RunProgress } from "@shoal/worker";

/**
 * A one-line progress display on stderr: redrawn in place on a terminal, and reduced to
 * a line per phase when stderr is a file or pipe so logs stay readable.
 */
export class ProgressLine {
  readonly #out: NodeJS.WriteStream;
  readonly #started = Date.now();
  #last = "";

  constructor(out: NodeJS.WriteStream = process.stderr) {
    this.#out = out;
  }

  update({ phase, done, total }: RunProgress): void {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    const seconds = ((Date.now() - this.#started) / 1000).toFixed(1);
    const line = `shoal: ${phase} ${done}/${total} tasks (${percent}%) ${seconds}s`;
    if (this.#out.isTTY) {
      this.#out.write(`\r${line}\u001b[K`);
      this.#last = line;
    } else if (done === total) {
      this.#out.write(`${line}\n`);
    }
  }

  /** Writes lines (say, Lua `print` output) without tearing the progress line. */
  print(lines: readonly string[]): void {
    if (this.#out.isTTY && this.#last) this.#out.write("\r\u001b[K");
    this.#out.write(lines.map((line) => `${line}\n`).join(""));
    if (this.#out.isTTY && this.#last) this.#out.write(this.#last);
  }

  end(): void {
    if (this.#out.isTTY && this.#last) this.#out.write("\n");
    this.#last = "";
  }
}
