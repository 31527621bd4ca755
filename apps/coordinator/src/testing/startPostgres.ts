import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** A throwaway PostgreSQL cluster on a loopback port, for tests. */
export interface TestPostgres {
  /** URL of the cluster's `postgres` database, as its superuser with its password. */
  url: string;
  port: number;
  password: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops the cluster now (as a crash would: `-m immediate`) and keeps its files. */
  kill(): void;
  /** Starts a killed cluster again on the same port. */
  restart(): void;
  /** Stops the cluster and removes its files. */
  stop(): void;
}

const ROOT_BIN = "/usr/lib/postgresql";

/**
 * The directory of `initdb` and `pg_ctl`: `SHOAL_PG_BIN` when set, else Debian's newest
 * /usr/lib/postgresql/<version>/bin, else — when running as root on Debian — after installing the
 * `postgresql` package, as the end-to-end tests do for Chromium.
 */
export function findPostgresBin(): string {
  const fromEnv = process.env.SHOAL_PG_BIN;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, "initdb"))) throw new Error(`SHOAL_PG_BIN=${fromEnv} has no initdb`);
    return fromEnv;
  }
  const found = newestBin();
  if (found) return found;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    console.error("installing Debian's postgresql (apt-get)…");
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", "postgresql"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    const installed = newestBin();
    if (installed) return installed;
  }
  throw new Error("no PostgreSQL found: install Debian's postgresql (apt-get install postgresql) or set SHOAL_PG_BIN to the directory of initdb and pg_ctl");
}

function newestBin(): string | undefined {
  if (!existsSync(ROOT_BIN)) return undefined;
  const versions = readdirSync(ROOT_BIN)
    .filter((v) => existsSync(join(ROOT_BIN, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(ROOT_BIN, versions[0], "bin");
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts a PostgreSQL cluster of its own in a temporary directory, listening on 127.0.0.1 at a
 * free port (its socket in that directory, not /var/run), with password authentication over TCP.
 * As root, the cluster belongs to the `postgres` user, since initdb refuses to run as root.
 * fsync is off: the cluster lives as long as a test file.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const dir = mkdtempSync(join(tmpdir(), "shoal-pg-"));
  const data = join(dir, "data");
  const password = randomBytes(12).toString("hex");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (program: string, args: string[]) =>
    asRoot ? execFileSync("runuser", ["-u", "postgres", "--", join(bin, program), ...args], { stdio: "pipe" }) : execFileSync(join(bin, program), args, { stdio: "pipe" });
  const pwfile = join(dir, "pwfile");
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (asRoot) execFileSync("chown", ["postgres:postgres", pwfile]);
  run("initdb", ["-D", data, "-U", "postgres", `--pwfile=${pwfile}`, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  rmSync(pwfile);
  const port = await freePort();
  const start = () => run("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-w", "-o", `-p ${port} -k ${dir} -h 127.0.0.1 -F -c max_connections=200`, "start"]);
  start();
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  let databases = 0;
  let running = true;
  const halt = (mode: string) => {
    if (!running) return;
    running = false;
    run("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"]);
  };
  return {
    url,
    port,
    password,
    async createDatabase() {
      const name = `shoal_${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres:${password}@127.0.0.1:${port}/${name}`;
    },
    kill: () => halt("immediate"),
    restart() {
      if (running) return;
      start();
      running = true;
    },
    stop() {
      try {
        halt("fast");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
