import { runCommand } from "./commands/runCommand.ts";
import { UsageError } from "./UsageError.ts";

const HELP = `shoal — a volunteer computing grid for Lua jobs over time series

usage:
  shoal run JOB.lua --data FILE.csv [options]   run a job on this machine

run 'shoal run --help' for the options.`;

/** Entry point of the `shoal` command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run":
        return await runCommand(rest);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(`${HELP}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}" (try: shoal run)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`shoal: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
