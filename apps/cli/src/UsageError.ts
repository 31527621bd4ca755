/** Bad arguments or data: the command prints the message on one line and exits with code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * Node's `parseArgs` error for `shoal COMMAND`, in the CLI's words: `unknown option --bogus (shoal
 * run --help lists the options)` instead of Node's advice about positional arguments.
 */
export function argsError(error: unknown, command: string): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const help = `shoal ${command} --help lists the options`;
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return new UsageError(`unknown option ${unknown[1]} (${help})`);
  const missing = /^Option '(?:-\w, )?(--?[\w-]+)(?: <value>)?' argument missing/.exec(message);
  if (missing) return new UsageError(`${missing[1]} needs a value (${help})`);
  const positional = /^Unexpected argument '([^']+)'/.exec(message);
  if (positional) return new UsageError(`unexpected argument ${positional[1]} (${help})`);
  return new UsageError(`${message.split("\n")[0] ?? "bad arguments"} (${help})`);
}
