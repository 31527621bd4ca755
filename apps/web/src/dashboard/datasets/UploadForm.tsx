import type { FormEvent } from "react";
import { useState } from "react";
import type { DatasetView } from "@shoal/client";
import { ShoalApiError } from "@shoal/client";
import { formatBytes } from "../../donor/format.ts";
import { describeError, TOKEN_REFUSED } from "../api/useApi.ts";
import type { UploadPhase } from "../api/uploadWithProgress.ts";
import { uploadWithProgress } from "../api/uploadWithProgress.ts";
import { ProgressBar } from "../components/ProgressBar.tsx";
import { useSession } from "../shell/SessionContext.ts";
import { LineMessage } from "../components/LineMessage.tsx";

/** Picks a CSV, names it, and uploads it with a progress bar; a bad row's line number is shown. */
export function UploadForm({ onUploaded }: { onUploaded: (dataset: DatasetView, uploaded: boolean) => void }) {
  const { client, token, signOut } = useSession();
  const [file, setFile] = useState<File>();
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const [time, setTime] = useState("");
  const [phase, setPhase] = useState<UploadPhase>();
  const [error, setError] = useState<{ message: string; line: number | undefined }>();
  const [done, setDone] = useState<string>();

  const choose = (chosen: File | undefined) => {
    setFile(chosen);
    setError(undefined);
    setDone(undefined);
    if (chosen) setName(chosen.name.replace(/\.[^.]*$/, ""));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return setError({ message: "Choose a CSV file first.", line: undefined });
    setError(undefined);
    setDone(undefined);
    try {
      const result = await uploadWithProgress({ client, token, url: location.origin }, file, { name: name.trim() || file.name, key: key.trim() || undefined, time: time.trim() || undefined }, setPhase);
      setDone(result.uploaded ? `Uploaded ${result.dataset.name}: ${result.dataset.series.length} series, ${result.dataset.rows} rows.` : `The coordinator already had these bytes as ${result.dataset.name}; nothing was sent.`);
      onUploaded(result.dataset, result.uploaded);
    } catch (failure) {
      if (failure instanceof ShoalApiError && failure.status === 401) signOut(TOKEN_REFUSED);
      setError({ message: describeError(failure), line: failure instanceof ShoalApiError ? failure.line : undefined });
    } finally {
      setPhase(undefined);
    }
  };

  return (
    <form className="card upload" onSubmit={submit} aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload a CSV</h2>
      <p className="muted small">Long format <code>time,key,col…</code> or one series per file. Timestamps become epoch ms; rows are sorted per key.</p>
      <div className="form-grid">
        <label className="field">
          <span>File</span>
          <input type="file" accept=".csv,text/csv" onChange={(e) => choose(e.target.files?.[0])} data-testid="dataset-file" />
        </label>
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="sp500" data-testid="dataset-name" />
        </label>
        <label className="field">
          <span>Key column (optional)</span>
          <input value={key} onChange={(e) => setKey(e.target.value)} placeholder="symbol" />
        </label>
        <label className="field">
          <span>Time column (optional)</span>
          <input value={time} onChange={(e) => setTime(e.target.value)} placeholder="date" />
        </label>
      </div>
      {phase && (
        <ProgressBar
          value={phase.phase === "sending" ? phase.sent / Math.max(1, phase.total) : 0}
          label={phase.phase === "hashing" ? "Hashing…" : phase.phase === "checking" ? "Checking whether the coordinator has it…" : `${formatBytes(phase.sent)} of ${formatBytes(phase.total)}`}
          testId="upload-progress"
        />
      )}
      {error && (
        <p className="error" role="alert" data-testid="upload-error">
          <LineMessage message={error.message} line={error.line} />
        </p>
      )}
      {done && (
        <p className="ok" role="status" data-testid="upload-done">
          {done}
        </p>
      )}
      <button type="submit" disabled={!file || phase !== undefined} data-testid="upload">
        {phase ? "Uploading…" : "Upload"}
      </button>
    </form>
  );
}
