/** Where the coordinator writes its log lines. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Escapes control characters (newlines, carriage returns, terminal escapes, Unicode line
 * separators) as JSON does, so one message is one line: text from volunteers or authors inside
 * it cannot end the line and forge another, or drive the operator's terminal.
 */
export function escapeLogText(message: string): string {
  return message.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Writes each message as one line with an ISO timestamp and level, control characters escaped. */
export function lineLogger(write: (line: string) => void): Logger {
  const line = (level: string) => (message: string) => write(`${new Date().toISOString()} ${level} ${escapeLogText(message)}\n`);
  return { info: line("info "), warn: line("warn "), error: line("error") };
}

/** Log lines on stderr. */
export const consoleLogger: Logger = lineLogger((line) => process.stderr.write(line));

/** Drops everything; for tests. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
