/** A CSV ingest failure tied to a 1-based physical line of the file; the message starts with `line N: `. */
export class CsvError extends Error {
  readonly line: number;

  constructor(line: number, detail: string) {
    super(`line ${line}: ${detail}`);
    this.name = "CsvError";
    this.line = line;
  }
}
