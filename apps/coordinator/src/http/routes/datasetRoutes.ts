import type { DatasetId, DatasetSummary, DatasetView } from "@shoal/protocol";
import { AppendError } from "../../datasets/AppendError.ts";
import { UploadError } from "../../datasets/UploadError.ts";
import type { DatasetRecord, DatasetSummary as StoredSummary, IngestOptions } from "../../store/Store.ts";
import { HttpError } from "../HttpError.ts";
import type { HttpDeps } from "../HttpDeps.ts";
import { sendJson } from "../respond.ts";
import type { Router } from "../Router.ts";

const SHA256 = /^[0-9a-f]{64}$/;
/** Datasets a listing shows unless `?limit=` asks for more, and the most it shows. */
const DEFAULT_LISTED = 100;
const MAX_LISTED = 1000;

/**
 * `/api/datasets`: streamed CSV uploads (deduplicated), listings (the newest datasets with their
 * series counts, not their series, which may number thousands each), and lookups by id or CSV hash.
 */
export function datasetRoutes(router: Router, deps: HttpDeps): void {
  router.add("POST", "/api/datasets", async ({ req, res, url }) => {
    const options = ingestOptions(url.searchParams, true) as IngestOptions;
    const declared = Number(req.headers["content-length"]);
    if (declared > deps.maxUploadBytes) throw new HttpError(413, `upload is larger than ${deps.maxUploadBytes} bytes`);
    try {
      const { dataset, created } = await deps.datasets.upload(req.iterator({ destroyOnReturn: false }), options);
      if (created) deps.logger.info(`dataset ${dataset.id} ${JSON.stringify(dataset.name)}: ${dataset.series.length} series, ${dataset.rows} rows`);
      sendJson(res, created ? 201 : 200, datasetView(dataset));
    } catch (error) {
      if (error instanceof UploadError) throw new HttpError(error.tooLarge ? 413 : 400, error.message, lineOf(error));
      throw error;
    }
  });

  router.add("POST", "/api/datasets/:id/append", async ({ req, res, params }) => {
    const declared = Number(req.headers["content-length"]);
    if (declared > deps.maxUploadBytes) throw new HttpError(413, `upload is larger than ${deps.maxUploadBytes} bytes`);
    try {
      const dataset = await deps.datasets.append(params.id as DatasetId, req.iterator({ destroyOnReturn: false }));
      deps.logger.info(`dataset ${dataset.id}: version ${dataset.version} of ${dataset.parent}, ${dataset.rows} rows`);
      sendJson(res, 201, datasetView(dataset));
    } catch (error) {
      if (error instanceof AppendError) throw new HttpError(error.status, error.message);
      if (error instanceof UploadError) throw new HttpError(error.tooLarge ? 413 : 400, error.message, lineOf(error));
      throw error;
    }
  });

  router.add("GET", "/api/datasets", ({ res, url }) => {
    const limit = Math.min(MAX_LISTED, Math.max(1, Number(url.searchParams.get("limit") ?? DEFAULT_LISTED) || DEFAULT_LISTED));
    sendJson(res, 200, deps.store.listDatasets(limit).map(summaryView));
  });

  router.add("GET", "/api/datasets/by-hash/:hash", ({ res, url, params }) => {
    const hash = params.hash as string;
    if (!SHA256.test(hash)) throw new HttpError(400, "expected a lowercase hex sha256");
    const options = ingestOptions(url.searchParams, false);
    const found = options ? deps.store.findDataset(hash, options) : deps.store.datasetsByHash(hash)[0];
    if (!found) throw new HttpError(404, `no dataset from CSV bytes with sha256 ${hash}`);
    sendJson(res, 200, datasetView(found));
  });

  router.add("GET", "/api/datasets/:id", ({ res, params }) => {
    const dataset = deps.store.getDataset(params.id as DatasetId);
    if (!dataset) throw new HttpError(404, `no dataset ${params.id}`);
    sendJson(res, 200, datasetView(dataset));
  });
}

function summaryView(d: StoredSummary): DatasetSummary {
  const view: DatasetSummary = { id: d.id, name: d.name, hash: d.hash, columns: d.columns, rows: d.rows, bytes: d.bytes, seriesCount: d.seriesCount, createdAt: d.createdAt };
  if (d.parent !== undefined) {
    view.parent = d.parent;
    view.version = d.version ?? 2;
  }
  return view;
}

function datasetView(d: DatasetRecord): DatasetView {
  const view: DatasetView = { id: d.id, name: d.name, hash: d.hash, columns: d.columns, rows: d.rows, bytes: d.bytes, series: d.series, createdAt: d.createdAt };
  if (d.parent !== undefined) {
    view.parent = d.parent;
    view.version = d.version ?? 2;
  }
  return view;
}

/** `name`, `key` and `time` from the query; `name` is required for uploads, and without it lookups match any options. */
function ingestOptions(query: URLSearchParams, required: boolean): IngestOptions | undefined {
  const name = query.get("name")?.trim();
  if (!name) {
    if (required) throw new HttpError(400, "query parameter name is required (e.g. ?name=sp500)");
    return undefined;
  }
  const options: IngestOptions = { name: text("name", name) };
  const key = query.get("key")?.trim();
  const time = query.get("time")?.trim();
  if (key) options.keyColumn = text("key", key);
  if (time) options.timeColumn = text("time", time);
  return options;
}

function text(name: string, value: string): string {
  if (value.length > 200) throw new HttpError(400, `query parameter ${name} is longer than 200 characters`);
  return value;
}

function lineOf(error: UploadError): { line?: number } {
  return error.line === undefined ? {} : { line: error.line };
}
