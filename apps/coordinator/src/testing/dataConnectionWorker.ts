import { frameMessage, Reassembler } from "@shoal/protocol";
import type { DataConnectionLike } from "../transport/peerjsTypes.ts";
import { TestWorker } from "./TestWorker.ts";

/** A TestWorker speaking the framed protocol over an open PeerJS data connection to the coordinator. */
export function dataConnectionWorker(connection: DataConnectionLike, options: ConstructorParameters<typeof TestWorker>[1] = {}): TestWorker {
  const reassembler = new Reassembler();
  const listeners: Array<(text: string) => void> = [];
  connection.on("data", (data) => {
    const text = reassembler.push(data as string);
    if (text !== undefined) listeners.forEach((l) => l(text));
  });
  return new TestWorker({ send: (text) => frameMessage(text).forEach((f) => connection.send(f)), onMessage: (l) => listeners.push(l) }, options);
}
