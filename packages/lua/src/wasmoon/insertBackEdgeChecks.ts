/** Names the rewritten chunk gives its countdown and guard function; a script may not use any name starting with this. */
export const RESERVED_PREFIX = "__shoal";
const COUNTER = `${RESERVED_PREFIX}_n`;
const GUARD = `${RESERVED_PREFIX}_g`;

/** The countdown check inserted at the start of every loop body, after every label and at every function entry (one line, ends with `end`). */
export const CHECK = ` ${COUNTER}=${COUNTER}-1 if ${COUNTER}<0 then ${COUNTER}=${GUARD}() end `;

/**
 * What the rewritten chunk is run as: a loader taking the guard function as its only
 * argument, which returns the job's code as a vararg function whose upvalues are the
 * countdown and the guard. Everything stays on the source's own lines: the prefix goes
 * before line 1's first character and the closing `end` on a line of its own after the last.
 */
const PREFIX = `local ${COUNTER},${GUARD}=0,... return function(...)`;
const SUFFIX = "\nend";

export class ReservedNameError extends Error {
  readonly line: number;
  constructor(name: string, line: number) {
    super(`the name '${name}' is reserved by the sandbox (names starting with '${RESERVED_PREFIX}' are refused)`);
    this.line = line;
  }
}

interface Token {
  /** A name, keyword or punctuation token's text; strings and numbers are "<string>" / "<number>". */
  text: string;
  kind: "name" | "keyword" | "string" | "number" | "symbol";
  start: number;
  end: number;
  line: number;
}

const KEYWORDS = new Set([
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
  "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
]);
const SYMBOLS = ["...", "..", "::", "<<", ">>", "//", "==", "~=", "<=", ">="];

/** Length of the long bracket opening at `i` (`[`, `=`*, `[`), with its level; null when `i` starts none. */
function longBracket(src: string, i: number): { level: number; length: number } | null {
  if (src[i] !== "[") return null;
  let j = i + 1;
  while (src[j] === "=") j++;
  return src[j] === "[" ? { level: j - i - 1, length: j - i + 1 } : null;
}

function countLines(src: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = src.charCodeAt(i);
    // Lua counts \n, \r, \r\n and \n\r each as one line break.
    if (c === 10 || c === 13) {
      const d = src.charCodeAt(i + 1);
      if ((d === 10 || d === 13) && d !== c) i++;
      n++;
    }
  }
  return n;
}

/** Lua 5.4's tokens of a source that compiles (the rewriter only runs on code Lua accepted). */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const n = src.length;
  const skipLong = (at: number, open: { level: number; length: number }): number => {
    const close = `]${"=".repeat(open.level)}]`;
    const found = src.indexOf(close, at + open.length);
    return found < 0 ? n : found + close.length;
  };
  while (i < n) {
    const c = src[i] as string;
    if (c === "\n" || c === "\r") {
      line += countLines(src, i, i + 1);
      if ((src[i + 1] === "\n" || src[i + 1] === "\r") && src[i + 1] !== c) i++;
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\f" || c === "\v") {
      i++;
      continue;
    }
    if (c === "-" && src[i + 1] === "-") {
      const open = longBracket(src, i + 2);
      if (open !== null) {
        const end = skipLong(i + 2, open);
        line += countLines(src, i, end);
        i = end;
      } else {
        while (i < n && src[i] !== "\n" && src[i] !== "\r") i++;
      }
      continue;
    }
    const start = i;
    const startLine = line;
    const push = (text: string, kind: Token["kind"]) => tokens.push({ text, kind, start, end: i, line: startLine });
    if (c === "[") {
      const open = longBracket(src, i);
      if (open !== null) {
        i = skipLong(i, open);
        line += countLines(src, start, i);
        push("<string>", "string");
        continue;
      }
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < n && src[i] !== c) {
        if (src[i] === "\\") {
          i++;
          // An escaped line break ("\" then \n, \r, \r\n or \n\r) is part of the string.
          if (src[i] === "\n" || src[i] === "\r") {
            line += countLines(src, i, i + 1);
            if ((src[i + 1] === "\n" || src[i + 1] === "\r") && src[i + 1] !== src[i]) i++;
          } else if (src[i] === "z") {
            // \z skips the following whitespace, line breaks included.
            i++;
            while (i < n && /\s/.test(src[i] as string)) {
              if (src[i] === "\n" || src[i] === "\r") {
                line += countLines(src, i, i + 1);
                if ((src[i + 1] === "\n" || src[i + 1] === "\r") && src[i + 1] !== src[i]) i++;
              }
              i++;
            }
            continue;
          }
        }
        i++;
      }
      i++;
      push("<string>", "string");
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const hex = c === "0" && (src[i + 1] === "x" || src[i + 1] === "X");
      if (hex) i += 2;
      const exponent = hex ? /[pP]/ : /[eE]/;
      while (i < n) {
        const d = src[i] as string;
        if (exponent.test(d) && (src[i + 1] === "+" || src[i + 1] === "-")) i += 2;
        else if (/[0-9a-zA-Z_.]/.test(d)) i++;
        else break;
      }
      push("<number>", "number");
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_]/.test(src[i] as string)) i++;
      const word = src.slice(start, i);
      push(word, KEYWORDS.has(word) ? "keyword" : "name");
      continue;
    }
    const symbol = SYMBOLS.find((s) => src.startsWith(s, i)) ?? c;
    i += symbol.length;
    push(symbol, "symbol");
  }
  return tokens;
}

type Block = "loophead" | "loop" | "do" | "if" | "function" | "repeat";

/** Positions (source offsets) after which a check goes: loop bodies, labels that can be jumped back to, function bodies. */
export function checkPoints(tokens: readonly Token[]): number[] {
  const points: number[] = [];
  const blocks: Block[] = [];
  /** Set after `function`: the next `)` closes its parameters. */
  let inParams = false;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.kind === "name" && t.text.startsWith(RESERVED_PREFIX)) throw new ReservedNameError(t.text, t.line);
    if (inParams) {
      if (t.text === ")") {
        inParams = false;
        points.push(t.end);
      }
      continue;
    }
    if (t.kind === "keyword") {
      switch (t.text) {
        case "while":
        case "for":
          blocks.push("loophead");
          break;
        case "do":
          if (blocks[blocks.length - 1] === "loophead") {
            blocks[blocks.length - 1] = "loop";
            points.push(t.end);
          } else blocks.push("do");
          break;
        case "if":
          blocks.push("if");
          break;
        case "function":
          blocks.push("function");
          inParams = true;
          break;
        case "repeat":
          blocks.push("repeat");
          points.push(t.end);
          break;
        case "until":
        case "end":
          blocks.pop();
          break;
      }
    } else if (t.text === "::" && tokens[k + 2]?.text === "::") {
      k += 2;
      if (!lastInBlock(tokens, k + 1)) points.push((tokens[k] as Token).end);
    }
  }
  return points;
}

/**
 * Whether a label ending before token `k` is the last statement of its block (only `;` and
 * labels follow before the block closes). Lua treats such a label as outside the scope of
 * the block's locals, so a forward `goto continue` may skip them; a check after it would
 * break that, and nothing can jump back to it, so it needs none.
 */
function lastInBlock(tokens: readonly Token[], k: number): boolean {
  for (;;) {
    const t = tokens[k];
    if (t === undefined) return true;
    if (t.text === ";") k++;
    else if (t.text === "::") k += 3;
    else return t.kind === "keyword" && (t.text === "end" || t.text === "else" || t.text === "elseif" || t.text === "until");
  }
}

/**
 * Rewrites a Lua chunk that compiles so that every loop body, every label a backward `goto`
 * can reach and every function body starts with a countdown check, without moving any code
 * to another line. Throws ReservedNameError if the chunk uses a name starting with
 * RESERVED_PREFIX, which could otherwise shadow the countdown.
 */
export function insertBackEdgeChecks(src: string): string {
  const points = checkPoints(tokenize(src));
  const parts: string[] = [PREFIX];
  let at = 0;
  for (const p of points) {
    parts.push(src.slice(at, p), CHECK);
    at = p;
  }
  parts.push(src.slice(at), SUFFIX);
  return parts.join("");
}
