import { readFileSync, statSync } from "node:fs";
import type { IceConfig } from "@shoal/coordinator";
import { MAX_TURN_SECRET_CHARS, MIN_TURN_SECRET_CHARS } from "@shoal/coordinator";
import { ICE_LIMITS, isTurnServer, parseIceServers } from "@shoal/protocol";
import { UsageError } from "../UsageError.ts";

/** The ICE flags of `shoal coordinator`, as given. */
export interface IceFlags {
  iceServers?: string;
  turnSecret?: string;
  turnSecretFile?: string;
  turnTtl?: string;
}

/**
 * Reads `--ice-servers FILE` (a JSON list of RTCIceServer, at most 16 KiB) and the TURN secret
 * (`--turn-secret` or `--turn-secret-file`) into the coordinator's ICE config; undefined when none
 * is given. Every problem is a {@link UsageError} naming the flag.
 */
export function readIceConfig(flags: IceFlags): IceConfig | undefined {
  if (flags.turnSecret !== undefined && flags.turnSecretFile !== undefined) throw new UsageError("give --turn-secret or --turn-secret-file, not both");
  const servers = flags.iceServers === undefined ? [] : readServers(flags.iceServers);
  const turnSecret = flags.turnSecretFile === undefined ? flags.turnSecret : readSmallFile("--turn-secret-file", flags.turnSecretFile, MAX_TURN_SECRET_CHARS + 2).trim();
  if (turnSecret !== undefined) {
    if (!/^[\x21-\x7e]+$/.test(turnSecret)) throw new UsageError("the TURN secret must be printable ASCII without spaces, as coturn's static-auth-secret");
    if (turnSecret.length < MIN_TURN_SECRET_CHARS || turnSecret.length > MAX_TURN_SECRET_CHARS) {
      throw new UsageError(`the TURN secret must have ${MIN_TURN_SECRET_CHARS} to ${MAX_TURN_SECRET_CHARS} characters, not ${turnSecret.length}`);
    }
    if (!servers.some((server) => isTurnServer(server) && server.username === undefined)) {
      throw new UsageError("a TURN secret needs a turn: server without a username in --ice-servers to issue credentials for");
    }
  }
  if (flags.turnTtl !== undefined && turnSecret === undefined) throw new UsageError("--turn-ttl needs --turn-secret");
  const ttl = flags.turnTtl === undefined ? undefined : Number(flags.turnTtl);
  if (ttl !== undefined && (!/^\d+$/.test(flags.turnTtl!) || ttl < 60 || ttl > 7 * 24 * 3600)) throw new UsageError(`--turn-ttl ${flags.turnTtl}: expected seconds from 60 to 604800`);
  if (servers.length === 0 && turnSecret === undefined) return undefined;
  return { servers, ...(turnSecret === undefined ? {} : { turnSecret }), ...(ttl === undefined ? {} : { credentialTtlSeconds: ttl }) };
}

function readServers(path: string) {
  const text = readSmallFile("--ice-servers", path, ICE_LIMITS.fileBytes);
  try {
    return parseIceServers(text);
  } catch (error) {
    throw new UsageError(`--ice-servers ${path}: ${(error as Error).message}`);
  }
}

function readSmallFile(flag: string, path: string, maxBytes: number): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new UsageError(`${flag} ${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  if (size > maxBytes) throw new UsageError(`${flag} ${path}: ${size} bytes is more than the limit of ${maxBytes}`);
  return readFileSync(path, "utf8");
}
