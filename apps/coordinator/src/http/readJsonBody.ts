import type { IncomingMessage } from "node:http";
import { firstInvalidUtf8 } from "@shoal/protocol";
import { HttpError } from "./HttpError.ts";

/** Reads a JSON request body of at most `maxBytes`: 413 past the limit, 400 when it is not UTF-8 JSON. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"]);
  if (declared > maxBytes) throw new HttpError(413, `body is larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    bytes += (chunk as Buffer).byteLength;
    if (bytes > maxBytes) throw new HttpError(413, `body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  const bad = firstInvalidUtf8(body);
  // Decoding with replacement would hand a job script U+FFFD where the client sent other bytes.
  if (bad >= 0) throw new HttpError(400, `body is not valid UTF-8 at byte ${bad + 1}`);
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new HttpError(400, "body is not JSON");
  }
}
