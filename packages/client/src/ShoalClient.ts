import type { AttemptTimeline, EngineName, PartialResult, TaskPage, VolunteerCounts } from "@shoal/protocol";
import type { GraphRequest } from "./graph/GraphRequest.ts";
import { readEventStream } from "./readEventStream.ts";
import { sha256Hex } from "./sha256Hex.ts";
import { ShoalApiError } from "./ShoalApiError.ts";
import type { CheckResult, DatasetSummary, DatasetView, JobEvent, JobRequest, JobResult, JobView, LiveRunning, LiveVersion, PeerView, UploadResult } from "./types.ts";

export interface ShoalClientOptions {
  /** The coordinator's base URL, e.g. `http://localhost:8080`. */
  url: string;
  /** A job author's bearer token. */
  token?: string;
  /**
   * Other coordinators on the same database, tried in turn when the current one cannot be reached:
   * a read goes to the next at once, a request that changes something fails (it may have been
   * done) and the next call goes to the next; {@link ShoalClient.watchJob} so follows a job
   * across a coordinator's death.
   */
  fallbackUrls?: readonly string[];
  fetch?: typeof globalThis.fetch;
}

/** How a dataset's CSV is read: its name, and the key and time columns when they are not the defaults. */
export interface UploadOptions {
  name: string;
  key?: string;
  time?: string;
  /** SHA-256 of the bytes, when the caller already knows it (needed to skip re-uploading a stream). */
  hash?: string;
}

export interface WatchOptions {
  signal?: AbortSignal;
  /** Keep reconnecting while the coordinator is unreachable (e.g. restarting) for up to this long; default 60 s. */
  reconnectForMs?: number;
}

const FINAL = new Set(["done", "failed", "cancelled"]);

/**
 * The job author's SDK: upload datasets (skipped when the coordinator has the same bytes), submit
 * map/reduce jobs or general task graphs, follow their progress, fetch results, cancel. Uses only
 * `fetch`, so it runs in browsers and in Node.
 */
export class ShoalClient {
  readonly #urls: string[];
  /** Which of {@link #urls} requests go to. */
  #at = 0;
  readonly #token: string | undefined;
  readonly #fetch: typeof globalThis.fetch;

  constructor(options: ShoalClientOptions) {
    this.#urls = [options.url, ...(options.fallbackUrls ?? [])].map((url) => url.replace(/\/+$/, ""));
    this.#token = options.token;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /**
   * Uploads a CSV dataset unless the coordinator already holds these bytes read with the same
   * options. A stream is uploaded as it is read; pass `hash` to let it be skipped too.
   */
  async uploadDataset(data: Uint8Array | Blob | ReadableStream<Uint8Array>, options: UploadOptions): Promise<UploadResult> {
    const hash = options.hash ?? (data instanceof ReadableStream ? undefined : await sha256Hex(data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer())));
    if (hash) {
      const found = await this.findDataset(hash, options);
      if (found) return { dataset: found, uploaded: false };
    }
    const query = datasetQuery(options);
    const init: RequestInit & { duplex?: "half" } = { body: data as RequestInit["body"], headers: { "Content-Type": "text/csv" } };
    if (data instanceof ReadableStream) init.duplex = "half";
    const response = await this.#request("POST", `/api/datasets?${query}`, { init });
    return { dataset: (await response!.json()) as DatasetView, uploaded: response!.status === 201 };
  }

  /**
   * The dataset ingested from CSV bytes with this SHA-256 and the same name, key and time options,
   * or undefined when the coordinator has none (then the bytes must be uploaded).
   */
  async findDataset(hash: string, options: Omit<UploadOptions, "hash">): Promise<DatasetView | undefined> {
    const found = await this.#request("GET", `/api/datasets/by-hash/${hash}?${datasetQuery(options)}`, { allow404: true });
    return found ? ((await found.json()) as DatasetView) : undefined;
  }

  /**
   * Appends CSV rows (the dataset's columns) to a dataset as a new version, returned with its
   * `parent` and `version`. Only the latest version takes an append (409 otherwise), and every
   * row's time must come after its series' last one (400 naming the line otherwise).
   */
  async appendDataset(id: string, data: Uint8Array | Blob | ReadableStream<Uint8Array>): Promise<DatasetView> {
    const init: RequestInit & { duplex?: "half" } = { body: data as RequestInit["body"], headers: { "Content-Type": "text/csv" } };
    if (data instanceof ReadableStream) init.duplex = "half";
    const response = await this.#request("POST", `/api/datasets/${encodeURIComponent(id)}/append`, { init });
    return (await response!.json()) as DatasetView;
  }

  async getDataset(id: string): Promise<DatasetView> {
    return this.#json("GET", `/api/datasets/${encodeURIComponent(id)}`);
  }

  /** The newest datasets (100 unless `limit` says otherwise), with series counts but not their series. */
  async listDatasets(limit?: number): Promise<DatasetSummary[]> {
    if (limit !== undefined) return this.#json("GET", `/api/datasets?limit=${limit}`);
    return this.#json("GET", "/api/datasets");
  }

  /** Compiles a script on the coordinator without running it, on the engine its job would name (default fengari). */
  async checkScript(script: string, engine?: EngineName): Promise<CheckResult> {
    return this.#json("POST", "/api/check", engine === undefined ? { script } : { script, engine });
  }

  /** Submits a map/reduce job; the coordinator validates the spec (a Lua syntax error is a 400 with its line). */
  async createJob(request: JobRequest): Promise<JobView> {
    return this.#json("POST", "/api/jobs", request);
  }

  /** Submits a general task graph (see TaskGraphBuilder); needs a coordinator with `POST /api/graphs`. */
  async createGraphJob(request: GraphRequest): Promise<JobView> {
    return this.#json("POST", "/api/graphs", request);
  }

  async getJob(id: string): Promise<JobView> {
    return this.#json("GET", `/api/jobs/${encodeURIComponent(id)}`);
  }

  async listJobs(options: { limit?: number } = {}): Promise<JobView[]> {
    return this.#json("GET", `/api/jobs${options.limit ? `?limit=${options.limit}` : ""}`);
  }

  /** The Lua source a job was submitted with. */
  async getJobScript(id: string): Promise<string> {
    return (await this.#json<{ script: string }>("GET", `/api/jobs/${encodeURIComponent(id)}/script`)).script;
  }

  /** The final value of a done job; a ShoalApiError with status 409 while it is not done. */
  async getResult(id: string): Promise<JobResult> {
    return this.#json("GET", `/api/jobs/${encodeURIComponent(id)}/result`);
  }

  /** One page of a job's tasks, each with its attempts (`limit` up to `MAX_TASK_PAGE`). */
  async listTasks(id: string, options: { offset?: number; limit?: number } = {}): Promise<TaskPage> {
    return this.#json("GET", `/api/jobs/${encodeURIComponent(id)}/tasks?offset=${options.offset ?? 0}&limit=${options.limit ?? 50}`);
  }

  /** A job's latest attempts, for a timeline; with `since` (an earlier answer's `cursor`), only those that changed after it. */
  async getAttempts(id: string, options: { limit?: number; since?: number } = {}): Promise<AttemptTimeline> {
    const query = new URLSearchParams();
    if (options.limit) query.set("limit", String(options.limit));
    if (options.since !== undefined) query.set("since", String(options.since));
    const text = query.toString();
    return this.#json("GET", `/api/jobs/${encodeURIComponent(id)}/attempts${text ? `?${text}` : ""}`);
  }

  /** How many distinct volunteers ran a job's tasks, and how many had a result taken. */
  async getVolunteerCounts(id: string): Promise<VolunteerCounts> {
    return this.#json("GET", `/api/jobs/${encodeURIComponent(id)}/volunteers`);
  }

  /** What has arrived of a running job's result, marked partial; a ShoalApiError with status 409 once it ended. */
  async getPartialResult(id: string, options: { limit?: number } = {}): Promise<PartialResult> {
    return this.#json("GET", `/api/jobs/${encodeURIComponent(id)}/partial${options.limit ? `?limit=${options.limit}` : ""}`);
  }

  async cancelJob(id: string): Promise<JobView> {
    return this.#json("POST", `/api/jobs/${encodeURIComponent(id)}/cancel`);
  }

  async listPeers(): Promise<PeerView[]> {
    return this.#json("GET", "/api/peers");
  }

  /**
   * Follows a job's progress events until its final event (done, failed or cancelled), which is
   * the last one yielded. Reconnects when the stream drops, so it rides out a coordinator restart.
   */
  async *watchJob(id: string, options: WatchOptions = {}): AsyncGenerator<JobEvent> {
    const reconnectForMs = options.reconnectForMs ?? 60_000;
    let lostSince: number | undefined;
    let delay = 250;
    for (;;) {
      let response: Response | undefined;
      try {
        response = await this.#request("GET", `/api/jobs/${encodeURIComponent(id)}/events`, {
          init: { headers: { Accept: "text/event-stream" }, ...(options.signal ? { signal: options.signal } : {}) },
        });
        for await (const { event, data } of readEventStream(response!.body!)) {
          if (event !== "progress" && !FINAL.has(event)) continue;
          lostSince = undefined;
          delay = 250;
          yield { type: event as JobEvent["type"], job: JSON.parse(data) as JobView };
          if (FINAL.has(event)) return;
        }
      } catch (error) {
        if (options.signal?.aborted || (error instanceof ShoalApiError && error.status !== 502 && error.status !== 503)) throw error;
      }
      lostSince ??= Date.now();
      if (Date.now() - lostSince > reconnectForMs) throw new ShoalApiError(0, `lost the progress stream of job ${id} for more than ${reconnectForMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 2_000);
    }
  }

  /**
   * Follows a live job's chain (by any of its jobs' ids): each finished version as it comes (the
   * last one at once), until the chain stops or `signal` aborts. Does not reconnect. `onOpen` is
   * called once the coordinator accepts the stream: the job is live, before any version finished;
   * `onRunning` with each rerun under way (the one running on connecting, then each submitted).
   */
  async *watchLive(id: string, options: { signal?: AbortSignal; onOpen?: () => void; onRunning?: (running: LiveRunning) => void } = {}): AsyncGenerator<LiveVersion> {
    const response = await this.#request("GET", `/api/jobs/${encodeURIComponent(id)}/live`, {
      init: { headers: { Accept: "text/event-stream" }, ...(options.signal ? { signal: options.signal } : {}) },
    });
    options.onOpen?.();
    for await (const { event, data } of readEventStream(response!.body!)) {
      if (event === "stopped") return;
      if (event === "version") yield JSON.parse(data) as LiveVersion;
      else if (event === "running") options.onRunning?.(JSON.parse(data) as LiveRunning);
    }
  }

  /** Stops a live job's chain, cancelling its running rerun; its finished jobs stay. */
  async stopLive(id: string): Promise<{ chain: string; stopped: boolean }> {
    return this.#json("DELETE", `/api/jobs/${encodeURIComponent(id)}/live`);
  }

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } };
    const response = await this.#request(method, path, { init });
    return (await response!.json()) as T;
  }

  /** Fetches from the current coordinator; when it cannot be reached, moves on to the next, and tries the others at once for a read. */
  async #reach(method: string, path: string, init: RequestInit): Promise<Response> {
    for (let tried = 1; ; tried++) {
      try {
        return await this.#fetch(`${this.#urls[this.#at]}${path}`, init);
      } catch (error) {
        if (init.signal?.aborted || this.#urls.length === 1) throw error;
        this.#at = (this.#at + 1) % this.#urls.length;
        if (!READS.has(method) || tried >= this.#urls.length) throw error;
      }
    }
  }

  /** Sends a request with the token; a failed response becomes a ShoalApiError (a 404 becomes undefined when `allow404`). */
  async #request(method: string, path: string, options: { init?: RequestInit; allow404?: boolean } = {}): Promise<Response | undefined> {
    const init = options.init ?? {};
    const headers = new Headers(init.headers);
    if (this.#token) headers.set("Authorization", `Bearer ${this.#token}`);
    const response = await this.#reach(method, path, { ...init, method, headers });
    if (response.ok) return response;
    if (response.status === 404 && options.allow404) {
      await response.body?.cancel();
      return undefined;
    }
    throw await ShoalApiError.from(response, `${method} ${path}`);
  }
}

/** Methods whose request may be sent again to another coordinator: they change nothing. */
const READS = new Set(["GET", "HEAD"]);
/** The query naming how a CSV is read: `name`, and `key` and `time` when given. */
function datasetQuery(options: Omit<UploadOptions, "hash">): URLSearchParams {
  const query = new URLSearchParams({ name: options.name });
  if (options.key) query.set("key", options.key);
  if (options.time) query.set("time", options.time);
  return query;
}
