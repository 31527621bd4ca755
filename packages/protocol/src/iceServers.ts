import { z } from "zod";
import { ProtocolError } from "./ProtocolError.ts";

/** One STUN or TURN server, as WebRTC's `RTCIceServer` takes it. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** How many ICE servers, URLs and characters a coordinator may configure and a welcome may carry. */
export const ICE_LIMITS = {
  /** Servers in one list. */
  servers: 8,
  /** URLs of one server. */
  urls: 8,
  /** Characters of one URL. */
  urlChars: 512,
  /** Characters of a username or credential. */
  credentialChars: 512,
  /** Bytes of an `--ice-servers` file. */
  fileBytes: 16 * 1024,
} as const;

const iceUrl = z
  .string()
  .max(ICE_LIMITS.urlChars)
  .regex(/^(stun|stuns|turn|turns):[^\s]+$/, "expected a stun:, stuns:, turn: or turns: URL");
const secretText = z.string().min(1).max(ICE_LIMITS.credentialChars);

/** The schema of an ICE server list; the welcome's `iceServers` and `--ice-servers` files both use it. */
export const iceServerListSchema = z
  .array(
    z.strictObject({
      urls: z.union([iceUrl, z.array(iceUrl).min(1).max(ICE_LIMITS.urls)]),
      username: secretText.optional(),
      credential: secretText.optional(),
    }),
  )
  .max(ICE_LIMITS.servers);

/** True when the server is a TURN relay (one of its URLs is `turn:` or `turns:`). */
export function isTurnServer(server: IceServer): boolean {
  return (typeof server.urls === "string" ? [server.urls] : server.urls).some((url) => /^turns?:/.test(url));
}

/**
 * Parses the text of an ICE server list (a JSON array of RTCIceServer): at most
 * {@link ICE_LIMITS} servers, URLs and characters, STUN and TURN URLs only. Throws a
 * {@link ProtocolError} naming the first problem and where it is.
 */
export function parseIceServers(text: string): IceServer[] {
  if (text.length > ICE_LIMITS.fileBytes) throw new ProtocolError(`an ICE server list is at most ${ICE_LIMITS.fileBytes} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProtocolError(`an ICE server list must be JSON: ${(error as Error).message}`);
  }
  const parsed = iceServerListSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  let issue: z.core.$ZodIssue | undefined = parsed.error.issues[0];
  let path: PropertyKey[] = issue?.path ?? [];
  // `urls` is a URL or a list of them: name the problem of the branch the value was meant for.
  while (issue?.code === "invalid_union") {
    const branch: z.core.$ZodIssue[] | undefined = issue.errors.find((issues) => issues[0]?.code !== "invalid_type") ?? issue.errors[0];
    issue = branch?.[0];
    path = [...path, ...(issue?.path ?? [])];
  }
  const where = path.length ? ` at [${path.map(String).join("].[")}]` : "";
  throw new ProtocolError(`bad ICE server list${where}: ${issue?.message ?? "invalid"}`);
}
