import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Coturn } from "@shoal/worker/node/testing";
import { startCoturn } from "@shoal/worker/node/testing";
import { runShoal } from "./runShoal.ts";
import { ShoalProcess } from "./shoalProcess.ts";

/*
 * `shoal worker --check` against real `shoal coordinator` processes started with --ice-servers
 * and --turn-secret-file, and a real coturn on 127.0.0.1: one coordinator knows coturn's secret,
 * the other a wrong one (its credentials are forged as far as coturn is concerned).
 */

const dir = mkdtempSync(join(tmpdir(), "shoal-check-"));
const spawned: ShoalProcess[] = [];
let coturn: Coturn;
let good = "";
let forged = "";

async function coordinator(name: string, secret: string): Promise<string> {
  const iceFile = join(dir, `${name}.json`);
  writeFileSync(iceFile, JSON.stringify([{ urls: coturn.url }]));
  const secretFile = join(dir, `${name}.secret`);
  writeFileSync(secretFile, `${secret}\n`);
  const p = new ShoalProcess(["coordinator", "--port", "0", "--data-dir", join(dir, name), "--ice-servers", iceFile, "--turn-secret-file", secretFile]);
  spawned.push(p);
  return (await p.waitFor(/coordinator: (http:\/\/\S+) /))[1]!;
}

beforeAll(async () => {
  coturn = await startCoturn({ port: 8187, minPort: 49140, maxPort: 49159 });
  [good, forged] = await Promise.all([coordinator("good", coturn.secret), coordinator("forged", `${coturn.secret}-not`)]);
});
afterAll(async () => {
  await Promise.all(spawned.map((p) => p.kill9()));
  await coturn?.close();
});

describe("shoal worker --check", () => {
  it("reports the coordinator, the candidates and a data channel through coturn with its RTT and throughput, and passes", async () => {
    const run = await runShoal(["worker", "--check", "--coordinator", good]);
    console.log(run.stdout);
    expect(run.stdout).toMatch(/coordinator +reachable over WebSocket \(welcome in \d+ ms\)/);
    expect(run.stdout).toMatch(/ICE servers +0 STUN, 1 TURN/);
    expect(run.stdout).toMatch(/ICE candidates +[1-9]\d* host, 0 srflx, [1-9]\d* relay/);
    expect(run.stdout).toMatch(/TURN relay +data channel open: RTT [\d.]+ ms, [\d.]+ MB\/s/);
    expect(run.stdout).toMatch(/reach +direct/);
    expect(run.code).toBe(0);
  });

  it("classifies a --relay-only volunteer as relay-only when the relay carries data", async () => {
    const run = await runShoal(["worker", "--check", "--relay-only", "--coordinator", good]);
    expect(run.stdout).toMatch(/ICE candidates +0 host, 0 srflx, [1-9]\d* relay/);
    expect(run.stdout).toMatch(/reach +relay-only/);
    expect(run.code).toBe(0);
  });

  it("fails when coturn refuses the credentials: no relay, and a relay-only volunteer is WebSocket-only", async () => {
    const run = await runShoal(["worker", "--check", "--relay-only", "--coordinator", forged]);
    expect(run.stdout).toMatch(/ICE candidates +0 host, 0 srflx, 0 relay/);
    expect(run.stdout).toMatch(/TURN relay +failed: no data channel through the TURN relay/);
    expect(run.stdout).toMatch(/reach +WebSocket-only/);
    expect(run.stdout).toMatch(/failed\n$/);
    expect(run.code).toBe(1);
  });

  it("fails with the reason when no coordinator answers", async () => {
    const run = await runShoal(["worker", "--check", "--coordinator", "http://127.0.0.1:8186"]);
    expect(run.stdout).toMatch(/coordinator +not reachable: .*(ECONNREFUSED|refused|closed)/i);
    expect(run.code).toBe(1);
  });
});
