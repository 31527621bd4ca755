import type { DatasetView, ShoalClient, UploadOptions, UploadResult } from "@shoal/client";
import { ShoalApiError } from "@shoal/client";

/** Where an upload is: hashing the file, asking whether the coordinator has it, or sending bytes. */
export type UploadPhase = { phase: "hashing" } | { phase: "checking" } | { phase: "sending"; sent: number; total: number };

/** Where to send the bytes and as whom. */
export interface UploadTarget {
  client: ShoalClient;
  url: string;
  token: string;
}

/**
 * Uploads a CSV file with progress: the SDK's by-hash lookup first (no bytes sent when the
 * coordinator already has them), then an XMLHttpRequest, since `fetch` reports no upload
 * progress. A refusal becomes a ShoalApiError carrying the bad row's line when the coordinator names it.
 */
export async function uploadWithProgress(target: UploadTarget, file: Blob, options: Omit<UploadOptions, "hash">, onPhase: (phase: UploadPhase) => void): Promise<UploadResult> {
  onPhase({ phase: "hashing" });
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
  const hash = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  onPhase({ phase: "checking" });
  const found = await target.client.findDataset(hash, options);
  if (found) return { dataset: found, uploaded: false };
  const query = new URLSearchParams({ name: options.name });
  if (options.key) query.set("key", options.key);
  if (options.time) query.set("time", options.time);
  onPhase({ phase: "sending", sent: 0, total: file.size });
  const dataset = await send(`${target.url.replace(/\/+$/, "")}/api/datasets?${query}`, target.token, file, (sent) => onPhase({ phase: "sending", sent, total: file.size }));
  return { dataset, uploaded: true };
}

function send(url: string, token: string, file: Blob, onSent: (bytes: number) => void): Promise<DatasetView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Content-Type", "text/csv");
    xhr.upload.onprogress = (event) => onSent(event.loaded);
    xhr.onerror = () => reject(new TypeError("the upload was interrupted (network error)"));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300 && isDataset(body)) return resolve(body);
      const error = isObject(body) && typeof body.error === "string" ? body.error : `POST /api/datasets: HTTP ${xhr.status}`;
      const line = isObject(body) && typeof body.line === "number" ? body.line : undefined;
      reject(new ShoalApiError(xhr.status, error, line));
    };
    xhr.send(file);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isDataset(value: unknown): value is DatasetView {
  return isObject(value) && typeof value.id === "string" && Array.isArray(value.series) && Array.isArray(value.columns);
}
