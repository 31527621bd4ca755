import type { JobView } from "@shoal/protocol";
import { ShoalProcess } from "../../../cli/test/shoalProcess.ts";
import { json } from "./startTestCoordinator.ts";

/**
 * Real `shoal` processes for tests of several coordinators on one PostgreSQL database: each one
 * started is remembered, and {@link killAll} (in `afterAll`) kills whatever is left, stopped ones too.
 */
export class ClusterProcesses {
  readonly #processes: ShoalProcess[] = [];

  /**
   * A `shoal coordinator` on the shared database and the shared shards directory, with 2 s job
   * leases unless `leaseTtl` says otherwise; its start is awaited for up to two minutes (a loaded
   * machine).
   */
  async coordinator(store: string, dataDir: string, leaseTtl = "2s"): Promise<{ process: ShoalProcess; url: string; node: string }> {
    const p = this.#keep(new ShoalProcess(["coordinator", "--port", "0", "--no-webrtc", "--data-dir", dataDir, "--store", store, "--lease-ttl", leaseTtl]));
    const url = (await p.waitFor(/shoal coordinator: (http:\/\/\S+)/, 120_000))[1]!;
    const node = (await p.waitFor(/coordinator (n_[0-9a-f]+) listening/, 120_000))[1]!;
    return { process: p, url, node };
  }

  /** A one-thread `shoal worker` on `url`, over WebSocket. */
  worker(url: string): ShoalProcess {
    return this.#keep(new ShoalProcess(["worker", "--coordinator", url, "--threads", "1", "--transport", "ws", "--status-every", "1h"]));
  }

  /** Any other `shoal` command, such as `submit`. */
  shoal(args: string[]): ShoalProcess {
    return this.#keep(new ShoalProcess(args));
  }

  killAll(): void {
    for (const p of this.#processes) {
      p.child.kill("SIGCONT");
      p.child.kill("SIGKILL");
    }
  }

  #keep(p: ShoalProcess): ShoalProcess {
    this.#processes.push(p);
    return p;
  }
}

/** `fetch` on a coordinator with an author's token. */
export const api = (url: string, token: string, path: string, init: RequestInit = {}) => fetch(`${url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}` } });

/** Polls a job's view on one coordinator until `until` holds; bounded, so the test stops by itself. */
export async function waitForJob(url: string, token: string, id: string, until: (view: JobView) => boolean, timeoutMs = 180_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await json<JobView>(api(url, token, `/api/jobs/${id}`));
    if (until(view)) return view;
    if (Date.now() > deadline) throw new Error(`job ${id} on ${url}: ${JSON.stringify(view)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
