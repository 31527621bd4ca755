const CLOCK = String.raw`(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([AP]M)?)?`;
const YMD_SLASH = new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})${CLOCK}$`, "i");
const MDY_SLASH = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${CLOCK}$`, "i");
const MONTH_DAY_YEAR = new RegExp(String.raw`^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})${CLOCK}$`, "i");
const DAY_MONTH_YEAR = new RegExp(String.raw`^(\d{1,2})[\s-]+([a-z]+)\.?,?[\s-]+(\d{4})${CLOCK}$`, "i");
const EPOCH = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const ZONE = /^([+-])(\d{2})(?::?(\d{2}))?$/;

const MONTH_NAMES = [
  "january", "february", "march", "april", "may", "june",
  "july", "august", "september", "october", "november", "december",
];
const MONTHS = new Map<string, number>([
  ...MONTH_NAMES.map((name, i) => [name, i + 1] as const),
  ...MONTH_NAMES.map((name, i) => [name.slice(0, 3), i + 1] as const),
  ["sept", 9],
]);

const DAY_MS = 86_400_000;
/** The range of a JavaScript Date, so every parsed time has an ISO form. */
const MAX_TIME_MS = 8.64e15;
/** Below this magnitude a bare number is epoch seconds, otherwise epoch milliseconds. */
const SECONDS_LIMIT = 1e11;
const DASH = 45;
const COLON = 58;

/**
 * Parses a timestamp to epoch milliseconds (UTC unless an offset is given), or returns undefined.
 * Accepts ISO 8601 dates and date-times, `2020/01/02`, US `01/02/2020`, month names (`Jan 2 2020`,
 * `2 Jan 2020`, `January 2, 2020`) and bare numbers as epoch seconds (|n| < 1e11) or milliseconds.
 */
export function parseTimestamp(text: string): number | undefined {
  const s = text.trim();
  if (s.charCodeAt(4) === DASH && digitsAt(s, 0, 4) >= 0) return parseIso(s);
  let m: RegExpExecArray | null;
  if ((m = EPOCH.exec(s)) !== null) return epoch(m[1] === "-", m[2] ?? "", m[3] ?? "");
  if ((m = YMD_SLASH.exec(s)) !== null) return withClock(num(m[1]), num(m[2]), num(m[3]), m);
  if ((m = MDY_SLASH.exec(s)) !== null) return withClock(num(m[3]), num(m[1]), num(m[2]), m);
  if ((m = MONTH_DAY_YEAR.exec(s)) !== null) return withClock(num(m[3]), monthNumber(m[1]), num(m[2]), m);
  if ((m = DAY_MONTH_YEAR.exec(s)) !== null) return withClock(num(m[3]), monthNumber(m[2]), num(m[1]), m);
  return undefined;
}

/**
 * Parses `YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]][Z|±HH[:MM]]]` by hand: uploads are dominated by
 * this form, and a regular expression per row would cost more than the rest of the row.
 */
function parseIso(s: string): number | undefined {
  const n = s.length;
  const year = digitsAt(s, 0, 4);
  const month = s.charCodeAt(7) === DASH ? digitsAt(s, 5, 2) : -1;
  const day = digitsAt(s, 8, 2);
  if (month < 0 || day < 0) return undefined;
  if (n === 10) return compose(year, month, day, 0, 0, 0, 0);
  const separator = s.charCodeAt(10);
  if (separator !== 84 && separator !== 116 && separator !== 32) return undefined;
  const hour = digitsAt(s, 11, 2);
  const minute = s.charCodeAt(13) === COLON ? digitsAt(s, 14, 2) : -1;
  if (hour < 0 || minute < 0) return undefined;
  let second = 0;
  let ms = 0;
  let i = 16;
  if (s.charCodeAt(i) === COLON) {
    second = digitsAt(s, 17, 2);
    if (second < 0) return undefined;
    i = 19;
    const mark = s.charCodeAt(i);
    if (mark === 46 || mark === 44) {
      let j = i + 1;
      while (isDigit(s.charCodeAt(j))) j++;
      if (j === i + 1) return undefined;
      ms = fractionMs(s.slice(i + 1, j));
      i = j;
    }
  }
  const offset = i === n ? 0 : offsetMs(s.slice(i));
  const local = compose(year, month, day, hour, minute, second, ms);
  return local === undefined || offset === undefined ? undefined : inRange(local - offset);
}

/** Composes a date with the optional 12- or 24-hour clock captured by `CLOCK` in groups 4 to 8. */
function withClock(year: number, month: number, day: number, m: RegExpExecArray): number | undefined {
  if (m[4] === undefined) return compose(year, month, day, 0, 0, 0, 0);
  let hour = num(m[4]);
  const meridiem = m[8]?.toLowerCase();
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === "pm" ? 12 : 0);
  }
  return compose(year, month, day, hour, num(m[5]), num(m[6]), m[7] === undefined ? 0 : fractionMs(m[7]));
}

function compose(
  year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number,
): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return inRange(daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms);
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (Hinnant's algorithm): the same as
 * Date.UTC but without its mapping of years 0–99 to 1900–1999.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Milliseconds (possibly fractional) encoded by the digits after a decimal point of seconds. */
function fractionMs(digits: string): number {
  const whole = Number(digits.slice(0, 3).padEnd(3, "0"));
  return digits.length > 3 ? whole + Number(`0.${digits.slice(3)}`) : whole;
}

/** Milliseconds east of UTC for `Z`, `±HH`, `±HHMM` or `±HH:MM`; undefined for anything else. */
function offsetMs(zone: string): number | undefined {
  if (zone === "Z" || zone === "z") return 0;
  const m = ZONE.exec(zone);
  if (m === null) return undefined;
  const hours = num(m[2]);
  const minutes = num(m[3]);
  if (hours > 23 || minutes > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

function epoch(negative: boolean, whole: string, fraction: string): number | undefined {
  if (whole === "" && fraction === "") return undefined;
  const integer = Number(whole);
  const value = fraction === "" ? integer : Number(`${whole}.${fraction}`);
  const ms = value >= SECONDS_LIMIT ? value : fraction === "" ? integer * 1000 : integer * 1000 + fractionMs(fraction);
  return inRange(negative && ms !== 0 ? -ms : ms);
}

/** The decimal value of `count` digits at `at`, or -1 if any is not a digit. */
function digitsAt(s: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    value = value * 10 + (c - 48);
  }
  return value;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function num(digits: string | undefined): number {
  return digits === undefined ? 0 : Number(digits);
}

function monthNumber(name: string | undefined): number {
  return MONTHS.get((name ?? "").toLowerCase()) ?? 0;
}

function inRange(ms: number): number | undefined {
  return Math.abs(ms) <= MAX_TIME_MS ? ms : undefined;
}
