import { afterEach, describe, expect, it, vi } from "vitest";
import { ShoalApiError, ShoalClient } from "@shoal/client";
import type { UploadPhase } from "./uploadWithProgress.ts";
import { uploadWithProgress } from "./uploadWithProgress.ts";

const DATASET = { id: "d_1", name: "prices", hash: "h", columns: ["close"], rows: 2, bytes: 30, series: [] };

/** A stand-in XMLHttpRequest that reports progress in two steps and answers with `status` and `body`. */
function fakeXhr(status: number, body: unknown) {
  const sent: { method: string; url: string; headers: Record<string, string>; body: unknown }[] = [];
  class FakeXhr {
    status = 0;
    responseText = "";
    upload: { onprogress: ((event: { loaded: number }) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    #request = { method: "", url: "", headers: {} as Record<string, string>, body: undefined as unknown };
    open(method: string, url: string) {
      Object.assign(this.#request, { method, url });
    }
    setRequestHeader(name: string, value: string) {
      this.#request.headers[name] = value;
    }
    send(data: Blob) {
      this.#request.body = data;
      sent.push(this.#request);
      setTimeout(() => {
        this.upload.onprogress?.({ loaded: data.size / 2 });
        this.upload.onprogress?.({ loaded: data.size });
        this.status = status;
        this.responseText = JSON.stringify(body);
        this.onload?.();
      });
    }
  }
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  return sent;
}

function target(found: boolean) {
  const lookups: string[] = [];
  const fetch = async (input: string | URL | Request) => {
    lookups.push(String(input));
    return found ? Response.json(DATASET) : Response.json({ error: "no" }, { status: 404 });
  };
  return { target: { client: new ShoalClient({ url: "http://c.test", token: "T", fetch }), url: "http://c.test/", token: "T" }, lookups };
}

describe("uploadWithProgress", () => {
  afterEach(() => vi.unstubAllGlobals());
  const file = new Blob(["date,close\n2020-01-01,1\n2020-01-02,2\n"]);

  it("sends nothing when the coordinator already has the bytes", async () => {
    const sent = fakeXhr(500, {});
    const { target: t, lookups } = target(true);
    expect(await uploadWithProgress(t, file, { name: "prices" }, () => {})).toEqual({ dataset: DATASET, uploaded: false });
    expect(lookups[0]).toMatch(/^http:\/\/c\.test\/api\/datasets\/by-hash\/[0-9a-f]{64}\?name=prices$/);
    expect(sent).toEqual([]);
  });

  it("uploads with the token and options, reporting each phase and the bytes sent", async () => {
    const sent = fakeXhr(201, DATASET);
    const phases: UploadPhase[] = [];
    const result = await uploadWithProgress(target(false).target, file, { name: "prices", time: "date" }, (p) => phases.push(p));
    expect(result).toEqual({ dataset: DATASET, uploaded: true });
    expect(sent[0]).toMatchObject({ method: "POST", url: "http://c.test/api/datasets?name=prices&time=date", headers: { Authorization: "Bearer T", "Content-Type": "text/csv" } });
    expect(phases).toEqual([
      { phase: "hashing" },
      { phase: "checking" },
      { phase: "sending", sent: 0, total: file.size },
      { phase: "sending", sent: file.size / 2, total: file.size },
      { phase: "sending", sent: file.size, total: file.size },
    ]);
  });

  it("turns a refused row into an error with its line", async () => {
    fakeXhr(400, { error: "line 3: bad number \"oops\" in column close", line: 3 });
    const error = await uploadWithProgress(target(false).target, file, { name: "prices" }, () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShoalApiError);
    expect(error).toMatchObject({ status: 400, line: 3, message: expect.stringContaining("bad number") });
  });
});
