/** Where the coordinator writes its log lines. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Log lines on stderr with an ISO timestamp and level. */
export const consoleLogger: Logger = {
  info: (message) => process.stderr.write(`${new Date().toISOString()} info  ${message}\n`),
  warn: (message) => process.stderr.write(`${new Date().toISOString()} warn  ${message}\n`),
  error: (message) => process.stderr.write(`${new Date().toISOString()} error ${message}\n`),
};

/** Drops everything; for tests. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
