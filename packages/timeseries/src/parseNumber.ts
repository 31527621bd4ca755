/** Exact powers of ten: an integer below 2^53 divided by one of these is correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const MISSING = /^(?:|na|nan|null)$/i;

/**
 * Parses the numeric cell text[start, end): a decimal number (optional sign, fraction and exponent,
 * surrounding blanks ignored), NaN for a missing value (empty, `NA`, `NaN`, `null`), else undefined.
 * Reads in place so the common case allocates nothing.
 */
export function parseNumber(text: string, start: number, end: number): number | undefined {
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 45;
  if (negative || c === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = -1;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
    } else if (c === 46 && scale < 0) {
      scale = digits;
    } else {
      break;
    }
  }
  if (i === end && digits > 0 && digits <= 15) {
    const value = scale < 0 ? mantissa : mantissa / POW10[digits - scale]!;
    return negative ? -value : value;
  }
  const cell = text.slice(start, end).trim();
  if (DECIMAL.test(cell)) return Number(cell);
  return MISSING.test(cell) ? NaN : undefined;
}
