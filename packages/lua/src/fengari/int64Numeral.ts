const INT64_MAX = (1n << 63n) - 1n;

const isSpace = (c: number | undefined) => c === 32 || (c !== undefined && c >= 9 && c <= 13);
const isDigit = (c: number) => c >= 48 && c <= 57;
const digitValue = (c: number) => (isDigit(c) ? c - 48 : c >= 97 && c <= 122 ? c - 87 : c >= 65 && c <= 90 ? c - 55 : 99);

/**
 * The integer Lua 5.4 reads from `s` (l_str2int: spaces, sign, decimal or 0x hex, spaces;
 * hex wraps modulo 2^64, a decimal past 64 bits is no integer but a float), or null when
 * `s` is no integer numeral. `base` reads as tonumber(s, base) does instead.
 */
export function int64Numeral(s: Uint8Array, base?: number): bigint | null {
  let i = 0;
  while (isSpace(s[i])) i++;
  const neg = s[i] === 45;
  if (neg || s[i] === 43) i++;
  let radix = base ?? 10;
  if (base === undefined && s[i] === 48 && (s[i + 1] === 120 || s[i + 1] === 88)) {
    radix = 16;
    i += 2;
  }
  const start = i;
  while (i < s.length && digitValue(s[i]!) < radix) i++;
  const digits = s.subarray(start, i);
  while (isSpace(s[i])) i++;
  if (digits.length === 0 || (i !== s.length && s[i] !== 0)) return null;
  let n = 0n;
  const big = BigInt(radix);
  for (const c of digits) n = n * big + BigInt(digitValue(c));
  if (radix === 10 && base === undefined && n > INT64_MAX + (neg ? 1n : 0n)) return null;
  return BigInt.asIntN(64, neg ? -n : n);
}

/**
 * True when Lua 5.4 reads `s` as an integer that fengari's 32 bits cannot hold. Short
 * decimal numerals (the common case) are answered without building a BigInt.
 */
export function numeralBeyondInt32(s: Uint8Array): boolean {
  if (s.length <= 9) {
    let digitsOnly = true;
    for (const c of s) if (!isDigit(c)) digitsOnly = false;
    if (digitsOnly) return false;
  }
  const n = int64Numeral(s);
  return n !== null && (n < -(1n << 31n) || n >= 1n << 31n);
}
