import { parseArgs } from "node:util";
import { startCoordinator } from "@shoal/coordinator";
import { parseDuration } from "@shoal/protocol";
import { UsageError } from "../UsageError.ts";

export const COORDINATOR_HELP = `usage: shoal coordinator [options]

  --port P            port to listen on (default 8080; 0 picks a free one)
  --host H            interface to listen on (default 127.0.0.1)
  --data-dir D        SQLite store and shards (default ./data)
  --public-url URL    base URL workers reach this coordinator at, if not http://HOST:PORT
  --no-webrtc         serve workers over WebSocket only
  --peer-retention T  how long a volunteer that left may come back under its id (default 7d)

stdout: the URL, and on first start an author token. Logs go to stderr. Stop with Ctrl-C.`;

/** `shoal coordinator`: runs the coordinator until SIGINT or SIGTERM, then shuts it down cleanly. */
export async function coordinatorCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "data-dir": { type: "string" },
        "public-url": { type: "string" },
        "no-webrtc": { type: "boolean" },
        "peer-retention": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0] ?? "bad arguments");
  }
  if (values.help) {
    process.stdout.write(`${COORDINATOR_HELP}\n`);
    return 0;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${values.port}: expected 0 to 65535`);
  const dataDir = values["data-dir"] ?? "./data";
  let peerRetentionMs: number | undefined;
  try {
    peerRetentionMs = values["peer-retention"] === undefined ? undefined : parseDuration(values["peer-retention"]);
  } catch (error) {
    throw new UsageError(`--peer-retention: ${(error as Error).message}`);
  }
  const coordinator = await startCoordinator({
    port,
    dataDir,
    host: values.host,
    publicUrl: values["public-url"]?.replace(/\/+$/, ""),
    webrtc: values["no-webrtc"] ? false : undefined,
    peerRetentionMs,
  });
  process.stdout.write(`shoal coordinator: ${coordinator.url} (data in ${dataDir})\n`);
  if (coordinator.token) process.stdout.write(`author token (shown once; make more with 'shoal token create'): ${coordinator.token}\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await coordinator.close();
  return 0;
}
