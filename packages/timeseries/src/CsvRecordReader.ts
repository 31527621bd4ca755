import { CsvError } from "./CsvError.ts";

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Receives one record: cell i is text.slice(bounds[2i], bounds[2i + 1]) for i < count, and `line`
 * is the 1-based physical line the record starts on. `bounds` is reused between calls.
 */
export type RecordSink = (text: string, bounds: Int32Array, count: number, line: number) => void;

interface QuotedRecord {
  cells: string[];
  /** Index just past the record's terminator. */
  end: number;
  /** Physical lines the record spans, its terminator included. */
  lines: number;
}

/**
 * Splits streamed CSV text into records (RFC 4180 quoting, `\n` or `\r\n`, blank lines skipped,
 * a leading BOM dropped), tracking physical line numbers across chunks split anywhere.
 */
export class CsvRecordReader {
  readonly #maxRecordBytes: number;
  readonly #sink: RecordSink;
  #bounds = new Int32Array(64);
  /** Next comma in the text being drained at or after the last cell start: -1 none, -2 unknown. */
  #comma = -2;
  #pending = "";
  #line = 1;
  #started = false;

  constructor(maxRecordBytes: number, sink: RecordSink) {
    this.#maxRecordBytes = maxRecordBytes;
    this.#sink = sink;
  }

  /** Consumes a chunk, emitting every record it completes. */
  push(chunk: string): void {
    if (!this.#started) {
      if (chunk === "") return;
      this.#started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.#pending = this.#pending === "" ? chunk : this.#pending + chunk;
    this.#drain(false);
  }

  /** Emits the final record, which needs no trailing newline. */
  end(): void {
    this.#drain(true);
  }

  #drain(eof: boolean): void {
    const text = this.#pending;
    const n = text.length;
    let pos = 0;
    let line = this.#line;
    let quote = text.indexOf('"');
    this.#comma = -2;
    while (pos < n) {
      if (quote !== -1 && quote < pos) quote = text.indexOf('"', pos);
      const newline = text.indexOf("\n", pos);
      if (quote === -1 || (newline !== -1 && newline < quote)) {
        if (newline === -1 && !eof) break;
        const end = newline === -1 ? n : newline;
        this.#plain(text, pos, end, line);
        line++;
        pos = end + 1;
      } else {
        const record = this.#quoted(text, pos, line, eof);
        if (record === undefined) break;
        let contentEnd = record.end;
        if (text.charCodeAt(contentEnd - 1) === LF) contentEnd--;
        if (text.charCodeAt(contentEnd - 1) === CR) contentEnd--;
        this.#checkLength(text, pos, contentEnd, line);
        this.#emitCells(record.cells, line);
        line += record.lines;
        pos = record.end;
      }
    }
    this.#pending = pos >= n ? "" : text.slice(pos);
    this.#line = line;
    const rest = this.#pending;
    this.#checkLength(rest, 0, rest.charCodeAt(rest.length - 1) === CR ? rest.length - 1 : rest.length, line);
  }

  /** Emits a record without quotes spanning text[start, end), a trailing `\r` excluded, in place. */
  #plain(text: string, start: number, end: number, line: number): void {
    const stop = end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (stop === start) return;
    this.#checkLength(text, start, stop, line);
    const first = text.charCodeAt(start);
    if ((first === 32 || first === 9) && text.slice(start, stop).trim() === "") return;
    let count = 0;
    let cellStart = start;
    let comma = this.#comma;
    for (;;) {
      if (comma !== -1 && comma < cellStart) comma = text.indexOf(",", cellStart);
      if (comma === -1 || comma >= stop) break;
      this.#setCell(count++, cellStart, comma);
      cellStart = comma + 1;
    }
    this.#comma = comma;
    this.#setCell(count++, cellStart, stop);
    this.#sink(text, this.#bounds, count, line);
  }

  /** Emits unquoted cell values by laying them end to end in one string. */
  #emitCells(cells: readonly string[], line: number): void {
    let offset = 0;
    cells.forEach((cell, i) => {
      this.#setCell(i, offset, offset + cell.length);
      offset += cell.length;
    });
    this.#sink(cells.join(""), this.#bounds, cells.length, line);
  }

  #setCell(index: number, start: number, end: number): void {
    if (2 * index + 1 >= this.#bounds.length) {
      const bounds = new Int32Array(this.#bounds.length * 2);
      bounds.set(this.#bounds);
      this.#bounds = bounds;
    }
    this.#bounds[2 * index] = start;
    this.#bounds[2 * index + 1] = end;
  }

  /** Parses a record containing quotes from `pos`; undefined when it may continue past the buffered text. */
  #quoted(text: string, pos: number, line: number, eof: boolean): QuotedRecord | undefined {
    const n = text.length;
    const cells: string[] = [];
    let lines = 0;
    let i = pos;
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        const opened = line + lines;
        let value = "";
        let from = i + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close === -1) {
            if (eof) {
              this.#checkLength(text, pos, n, line);
              throw new CsvError(opened, "unterminated quoted field");
            }
            return undefined;
          }
          if (close + 1 === n && !eof) return undefined;
          lines += countNewlines(text, from, close);
          value += text.slice(from, close);
          from = close + 1;
          if (text.charCodeAt(from) !== QUOTE) break;
          value += '"';
          from++;
        }
        cells.push(value);
        i = from;
        const c = text.charCodeAt(i);
        if (i === n) return { cells, end: n, lines: lines + 1 };
        if (c === COMMA) {
          i++;
          continue;
        }
        if (c === LF) return { cells, end: i + 1, lines: lines + 1 };
        if (c === CR && i + 1 === n && !eof) return undefined;
        if (c === CR && (i + 1 === n || text.charCodeAt(i + 1) === LF)) {
          return { cells, end: Math.min(i + 2, n), lines: lines + 1 };
        }
        // However the upload was cut into chunks, a row past the limit is reported as such first.
        this.#checkLength(text, pos, i, line);
        throw new CsvError(line + lines, `unexpected text after a closing quote in cell ${cells.length}`);
      }
      let j = i;
      let c = NaN;
      for (; j < n; j++) {
        c = text.charCodeAt(j);
        if (c === COMMA || c === LF) break;
        if (c === QUOTE) {
          this.#checkLength(text, pos, j, line);
          throw new CsvError(line + lines, `quote inside unquoted cell ${cells.length + 1}`);
        }
      }
      if (j === n && !eof) return undefined;
      if (c === COMMA && j < n) {
        cells.push(text.slice(i, j));
        i = j + 1;
        continue;
      }
      cells.push(text.slice(i, j > i && text.charCodeAt(j - 1) === CR ? j - 1 : j));
      return { cells, end: Math.min(j + 1, n), lines: lines + 1 };
    }
  }

  #checkLength(text: string, start: number, end: number, line: number): void {
    const max = this.#maxRecordBytes;
    const units = end - start;
    if (units * 3 <= max) return;
    if (units > max || utf8Length(text, start, end) > max) {
      throw new CsvError(line, `row is longer than ${max} bytes (maxLineBytes)`);
    }
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf("\n", from); i !== -1 && i < to; i = text.indexOf("\n", i + 1)) count++;
  return count;
}

/** UTF-8 size of text[start, end); each half of a surrogate pair counts two bytes. */
function utf8Length(text: string, start: number, end: number): number {
  let bytes = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
  }
  return bytes;
}
