/**
 * What building strings costs against the instruction budget, per engine. The budget is
 * meant to bound time: a call that spends its budget on string work should take about as
 * long as one that spends it on plain VM instructions on the same engine, so each charge is
 * set from what the work costs there relative to a plain loop (bench/strings measures both).
 * Charges depend only on the program's values, never on time, so replicas agree.
 */
export interface StringCosts {
  /** Bytes of a string created that cost one instruction. */
  bytesPerInstruction: number;
  /** Instructions per string object the engine allocates (wasmoon: each crosses into JavaScript). */
  perString: number;
  /** string.rep: instructions per copy of the string (each copy is a separate append). */
  perRepetition: number;
  /** string.gsub: instructions per byte of the subject (each byte is a match attempt). */
  perScannedByte: number;
  /** string.upper, lower, reverse: instructions per byte (mapped one byte at a time). */
  perMappedByte: number;
  /** A number turned into a string by `..` or `tostring` (fengari formats numbers slowly). */
  perNumberFormatted: number;
  /** table.concat: instructions per element joined. */
  perJoinedPiece: number;
}

/** fengari: a plain loop runs ~9–12 M instructions/s; string.rep appends ~50 M copies/s, gsub scans ~15 MB/s, table.concat joins ~5 M pieces/s. */
export const FENGARI_STRING_COSTS: StringCosts = {
  bytesPerInstruction: 64,
  perString: 0,
  perRepetition: 1 / 6,
  perScannedByte: 1 / 2,
  perMappedByte: 1 / 32,
  perNumberFormatted: 32,
  perJoinedPiece: 1,
};

/** wasmoon: a plain loop runs ~140 M instructions/s; string.rep appends ~140 M copies/s, gsub scans ~60 MB/s, table.concat joins ~35 M pieces/s. */
export const WASMOON_STRING_COSTS: StringCosts = {
  bytesPerInstruction: 64,
  perString: 16,
  perRepetition: 1,
  perScannedByte: 2,
  perMappedByte: 1 / 8,
  perNumberFormatted: 32,
  perJoinedPiece: 4,
};
