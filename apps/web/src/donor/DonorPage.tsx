import { useState } from "react";
import type { DonorSettings, DonorStats } from "@shoal/worker/browser";
import { DonorCredit } from "../credit/DonorCredit.tsx";
import { loadDonorKey } from "../credit/donorKey.ts";
import { ConnectionCheck } from "./ConnectionCheck.tsx";
import { loadSettings, maxThreads, saveSettings } from "./donorSettings.ts";
import { formatBytes, formatDuration } from "./format.ts";
import { useVolunteer } from "./useVolunteer.ts";

const STATE_TEXT: Record<DonorStats["state"], string> = {
  stopped: "Stopped",
  paused: "Paused",
  connecting: "Connecting…",
  connected: "Running",
  refused: "Refused by the coordinator",
};

/** The donor page: what runs and for whom, one button to start or stop, sliders, and live stats. */
export function DonorPage() {
  const [settings, setSettings] = useState<DonorSettings>(loadSettings);
  const [running, setRunning] = useState(false);
  const [donorKey] = useState(loadDonorKey);
  const { volunteer, stats, error } = useVolunteer(settings, donorKey);

  const change = (next: Partial<DonorSettings>) => {
    const updated = { ...settings, ...next };
    setSettings(updated);
    saveSettings(updated);
    void volunteer?.update(updated);
  };
  const toggle = () => {
    if (!volunteer) return;
    if (running) void volunteer.stop();
    else void volunteer.start();
    setRunning(!running);
  };
  const state = stats?.state ?? "stopped";

  return (
    <main className="donor">
      <header>
        <h1>Shoal</h1>
        <p className="lead">Lend your spare CPU to research jobs running on this grid.</p>
      </header>
      <section className="explain">
        <p>
          When you press <strong>Start</strong>, this tab runs small computations for the people who submit jobs to the Shoal coordinator at{" "}
          <code>{location.host}</code> — mostly backtests and parameter sweeps over market time series. Each task is a Lua script run in a sandboxed Web Worker: it
          cannot see your files, other tabs or this page, and it is stopped if it runs too long.
        </p>
        <p>Data the tasks read is cached in this browser (up to 256 MiB) and may be shared with other volunteers. Nothing starts until you click, and Stop ends it at once.</p>
      </section>

      <section className="controls">
        <button type="button" className={running ? "stop" : "start"} onClick={toggle} disabled={!volunteer} data-testid="toggle">
          {running ? "Stop" : "Start"}
        </button>
        <span className={`state state-${state}`} data-testid="state">
          {STATE_TEXT[state]}
          {stats?.pausedBecause ? ` — ${stats.pausedBecause}` : ""}
          {state === "connected" && stats?.transport ? ` over ${stats.transport === "webrtc" ? "WebRTC" : "WebSocket"}` : ""}
          {state === "connected" && (stats?.currentJob ? " · computing" : " · idle, waiting for tasks")}
        </span>
        <label>
          <span>
            Threads: <strong>{settings.threads}</strong>
          </span>
          <input type="range" min={1} max={maxThreads()} value={settings.threads} onChange={(e) => change({ threads: Number(e.target.value) })} data-testid="threads" />
        </label>
        <label>
          <span>
            CPU use: <strong>{settings.cpuPercent} %</strong>
          </span>
          <input type="range" min={10} max={100} step={10} value={settings.cpuPercent} onChange={(e) => change({ cpuPercent: Number(e.target.value) })} data-testid="cpu" />
        </label>
        <label className="check">
          <input type="checkbox" checked={settings.pauseWhenHidden} onChange={(e) => change({ pauseWhenHidden: e.target.checked })} /> Pause while this tab is hidden
        </label>
        <label className="check">
          <input type="checkbox" checked={settings.pauseOnBattery} onChange={(e) => change({ pauseOnBattery: e.target.checked })} /> Pause on battery
        </label>
      </section>

      {error && <p className="error">{error}</p>}

      <section className="stats" aria-live="polite">
        <Stat label="Tasks done" value={String(stats?.tasksDone ?? 0)} id="tasks-done" />
        <Stat label="CPU time given" value={formatDuration(stats?.cpuMs ?? 0)} id="cpu-time" />
        <Stat label="Data cached here" value={cachedText(stats?.shardsHeld ?? 0, stats?.bytesCached ?? 0)} id="cache" />
        <Stat label="Working on" value={stats?.currentJob ? `job ${stats.currentJob}` : "nothing now"} id="current-job" className="job-id" />
        <Stat label="Tasks ended by the job's error" value={String(stats?.tasksFailed ?? 0)} id="tasks-failed" />
        <Stat label="Slices fetched from other donors" value={String(stats?.shardsFrom.peer ?? 0)} id="shards-peer" />
      </section>
      <DonorCredit donorKey={donorKey} connected={state === "connected"} />
      <p className="note">
        A task ends in an error when the job's own script fails or outruns its limits; it says nothing about your computer, and the job's author sees the
        message.
      </p>
      <ConnectionCheck />
    </main>
  );
}

/** Cached time-series slices in words: "3 slices of data · 1.2 MB", or "nothing yet". */
function cachedText(shards: number, bytes: number): string {
  return shards === 0 ? "nothing yet" : `${shards} slice${shards === 1 ? "" : "s"} of data · ${formatBytes(bytes)}`;
}

function Stat({ label, value, id, className }: { label: string; value: string; id: string; className?: string }) {
  return (
    <div className={className ? `stat ${className}` : "stat"}>
      <span className="label">{label}</span>
      <span className="value" data-testid={id}>
        {value}
      </span>
    </div>
  );
}
