import type { IncomingMessage } from "node:http";
import { firstInvalidUtf8 } from "@shoal/protocol";
import { HttpError } from "./HttpError.ts";

/** Keys an author's JSON may not use: they name the prototype chain, and objects built from the body would lose or inherit them. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** Text that may spell one of them, escapes included; bodies without it skip the slower reviver. */
const MAY_FORBID = /__proto__|constructor|prototype|\\u/;

/**
 * Reads a JSON request body of at most `maxBytes`: 413 past the limit, 400 when it is not UTF-8 JSON
 * (decoding with replacement would hand a job script U+FFFD where the client sent other bytes) or when any object in it has a key `__proto__`, `constructor` or `prototype` (which `{...spread}`
 * and schema parsers would drop or mistake, so `params: {"__proto__": [...]}` became one point).
 */
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
  const raw = Buffer.concat(chunks);
  const bad = firstInvalidUtf8(raw);
  if (bad >= 0) throw new HttpError(400, `body is not valid UTF-8 at byte ${bad + 1}`);
  const text = raw.toString("utf8");
  let forbidden: string | undefined;
  let body: unknown;
  try {
    body = !MAY_FORBID.test(text)
      ? JSON.parse(text)
      : JSON.parse(text, function (this: unknown, key: string, value: unknown) {
          if (FORBIDDEN_KEYS.has(key) && !Array.isArray(this)) forbidden ??= key;
          return value;
        });
  } catch {
    throw new HttpError(400, "body is not JSON");
  }
  if (forbidden !== undefined) throw new HttpError(400, `body has the key ${JSON.stringify(forbidden)}, which is not allowed in any object`);
  return body;
}
