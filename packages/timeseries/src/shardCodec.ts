import type { Series } from "./Series.ts";
import { ShardError } from "./ShardError.ts";

/*
 * Layout (all integers little-endian):
 *   "SHRD" | u16 version | u16 flags (0) | u32 rows | u16 columns (time included)
 *   u16 key length + UTF-8 key | per column: u16 name length + UTF-8 name ("time" first)
 *   zero padding to a multiple of 8 bytes
 *   per column: rows little-endian float64 values (time first)
 */

/** Format version written by encodeShard and the only one decodeShard accepts. */
export const SHARD_VERSION = 1;
/** Most columns in a shard, time included. */
export const MAX_COLUMNS = 256;
/** Longest key or column name in UTF-8 bytes. */
export const MAX_NAME_BYTES = 256;

const MAGIC = [0x53, 0x48, 0x52, 0x44];
const FIXED_HEADER_BYTES = 14;
const MAX_ROWS = 0xffff_ffff;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Encodes one series as a shard: a small header, then one float64 column after another, time first. */
export function encodeShard(series: Series): Uint8Array {
  const names = ["time", ...Object.keys(series.columns)];
  const arrays = [series.time, ...Object.values(series.columns)];
  const rows = series.time.length;
  if (names.length > MAX_COLUMNS) throw new ShardError(`${names.length} columns exceed the limit of ${MAX_COLUMNS}`);
  if (rows > MAX_ROWS) throw new ShardError(`${rows} rows exceed the limit of ${MAX_ROWS}`);
  if (names.indexOf("time", 1) > 0) throw new ShardError(`column name "time" is reserved for the time axis`);
  arrays.forEach((array, i) => {
    if (array.length !== rows) throw new ShardError(`column "${names[i]}" has ${array.length} rows, time has ${rows}`);
  });
  checkTime(series.time);
  const encoded = [series.key, ...names].map((text) => {
    const utf8 = encoder.encode(text);
    if (utf8.length > MAX_NAME_BYTES) {
      throw new ShardError(`name ${JSON.stringify(text.slice(0, 80))} is longer than ${MAX_NAME_BYTES} bytes`);
    }
    return utf8;
  });
  const headerBytes = pad8(encoded.reduce((sum, utf8) => sum + 2 + utf8.length, FIXED_HEADER_BYTES));
  const out = new Uint8Array(headerBytes + names.length * rows * 8);
  const view = new DataView(out.buffer);
  out.set(MAGIC);
  view.setUint16(4, SHARD_VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, rows, true);
  view.setUint16(12, names.length, true);
  let offset = FIXED_HEADER_BYTES;
  for (const utf8 of encoded) {
    view.setUint16(offset, utf8.length, true);
    out.set(utf8, offset + 2);
    offset += 2 + utf8.length;
  }
  arrays.forEach((array, c) => {
    const start = headerBytes + c * rows * 8;
    if (LITTLE_ENDIAN) {
      new Float64Array(out.buffer, start, rows).set(array);
    } else {
      for (let i = 0; i < rows; i++) view.setFloat64(start + i * 8, array[i]!, true);
    }
  });
  return out;
}

/**
 * Decodes and validates a shard. On a little-endian platform with 8-aligned input the columns are
 * views on `bytes` (zero-copy; do not mutate the input afterwards), otherwise one copy is made.
 */
export function decodeShard(bytes: Uint8Array): Series {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset: number, length: number): void => {
    if (offset + length > bytes.byteLength) {
      throw new ShardError(`truncated shard: ${bytes.byteLength} bytes, needed ${offset + length}`);
    }
  };
  need(0, FIXED_HEADER_BYTES);
  if (MAGIC.some((byte, i) => bytes[i] !== byte)) throw new ShardError("not a shard (bad magic)");
  const version = view.getUint16(4, true);
  if (version !== SHARD_VERSION) throw new ShardError(`unsupported shard version ${version}`);
  const flags = view.getUint16(6, true);
  if (flags !== 0) throw new ShardError(`unsupported shard flags ${flags}`);
  const rows = view.getUint32(8, true);
  const columnCount = view.getUint16(12, true);
  if (columnCount < 1 || columnCount > MAX_COLUMNS) {
    throw new ShardError(`shard has ${columnCount} columns, expected 1 to ${MAX_COLUMNS}`);
  }
  let offset = FIXED_HEADER_BYTES;
  const readName = (): string => {
    need(offset, 2);
    const length = view.getUint16(offset, true);
    if (length > MAX_NAME_BYTES) throw new ShardError(`name of ${length} bytes exceeds ${MAX_NAME_BYTES}`);
    need(offset + 2, length);
    const start = offset + 2;
    offset = start + length;
    try {
      return decoder.decode(bytes.subarray(start, offset));
    } catch {
      throw new ShardError(`name at byte ${start} is not valid UTF-8`);
    }
  };
  const key = readName();
  const names = Array.from({ length: columnCount }, readName);
  if (names[0] !== "time") throw new ShardError(`first column is ${JSON.stringify(names[0])}, expected "time"`);
  if (new Set(names).size !== names.length) throw new ShardError("duplicate column names");
  const headerBytes = pad8(offset);
  need(offset, headerBytes - offset);
  if (bytes.subarray(offset, headerBytes).some((byte) => byte !== 0)) throw new ShardError("non-zero header padding");
  const expected = headerBytes + columnCount * rows * 8;
  if (bytes.byteLength !== expected) {
    const shape = `${rows} rows × ${columnCount} columns`;
    throw new ShardError(`shard is ${bytes.byteLength} bytes, expected ${expected} for ${shape}`);
  }
  const data = columnData(bytes, view, headerBytes, rows * columnCount);
  const arrays = names.map((_, c) => data.subarray(c * rows, (c + 1) * rows));
  const time = arrays[0]!;
  checkTime(time);
  return { key, time, columns: Object.fromEntries(names.slice(1).map((name, c) => [name, arrays[c + 1]!])) };
}

/** The shard's values as one Float64Array: a view on the input when possible, else a copy. */
function columnData(bytes: Uint8Array, view: DataView, start: number, count: number): Float64Array {
  if (LITTLE_ENDIAN && (bytes.byteOffset + start) % 8 === 0) {
    return new Float64Array(bytes.buffer, bytes.byteOffset + start, count);
  }
  const copy = new Float64Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(copy.buffer).set(bytes.subarray(start, start + count * 8));
  } else {
    for (let i = 0; i < count; i++) copy[i] = view.getFloat64(start + i * 8, true);
  }
  return copy;
}

function checkTime(time: Float64Array): void {
  let previous = -Infinity;
  for (let i = 0; i < time.length; i++) {
    const t = time[i]!;
    if (!(t > previous) || t === Infinity) {
      throw new ShardError(`time at row ${i} is ${t}, not finite and strictly increasing`);
    }
    previous = t;
  }
}

function pad8(length: number): number {
  return Math.ceil(length / 8) * 8;
}
