import { PROTOCOL_VERSION } from "@shoal/protocol";
import { appendCommand } from "./commands/appendCommand.ts";
import { coordinatorCommand } from "./commands/coordinatorCommand.ts";
import { replayCommand } from "./commands/replayCommand.ts";
import { runCommand } from "./commands/runCommand.ts";
import { submitCommand } from "./commands/submitCommand.ts";
import { tokenCommand } from "./commands/tokenCommand.ts";
import { workerCommand } from "./commands/workerCommand.ts";
import { UsageError } from "./UsageError.ts";

const HELP = `shoal — a volunteer computing grid for Lua jobs over time series

usage:
  shoal run JOB.lua --data FILE.csv [options]   run a job on this machine
  shoal submit --coordinator URL --token T JOB.lua --data FILE.csv [options]
                                                run a job on the grid
  shoal append --coordinator URL --token T DATASET FILE.csv
                                                add rows to a dataset as a new version
  shoal replay --coordinator URL --token T DATASET FILE.csv --every MS [--batch N]
                                                append a CSV's bars one (or N) at a time
  shoal worker --coordinator URL [options]      lend this machine's CPUs to the grid
  shoal coordinator [--port P] [--data-dir D] [--store postgres://…]
                                                run the grid's coordinator
  shoal token create [--data-dir D | --store postgres://…]
                                                make an author token
  shoal --version                               the version, and the protocol it speaks

run 'shoal <command> --help' for the options.`;

/** What the entry that starts `shoal` knows about where it runs: from the repository or installed. */
export interface MainOptions {
  /** The released version, the root package.json's (printed by `shoal --version`). */
  version: string;
  /** The built dashboard the coordinator serves; by default the repository's apps/web/dist. */
  webDist?: string;
}

/** Entry point of the `shoal` command; returns the process exit code. */
export async function main(argv: string[], options: MainOptions): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run":
        return await runCommand(rest);
      case "submit":
        return await submitCommand(rest);
      case "append":
        return await appendCommand(rest);
      case "replay":
        return await replayCommand(rest);
      case "worker":
        return await workerCommand(rest);
      case "coordinator":
        return await coordinatorCommand(rest, options.webDist);
      case "token":
        return await tokenCommand(rest);
      case "--version":
      case "-v":
        process.stdout.write(`shoal ${options.version} (protocol ${PROTOCOL_VERSION})\n`);
        return 0;
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
