// The grid row of bench/lua: the plain-Lua sweep through a real grid on loopback — `shoal
// coordinator`, two `shoal worker --threads 1` (WebSocket), the job submitted with the client —
// beside native lua5.4 on one core in the same run. Per volunteer core: the job's wall time × 2
// cores ÷ points, against native's time per point; also the workers' CPU per point and each
// worker's memory (RSS now and at its peak) after the job. bench/lua/gridJob.ts has what it
// shares with the Chromium row (bench/lua/browserGridRow.ts).
import type { Proc } from "./gridJob.ts";
import { COPIES, cpuMs, ENGINES, figureCells, gridFigures, spanTable, rssMb, runJob, startGrid, startShoal, TASKS, waitFor, WORKERS } from "./gridJob.ts";
import type { GridRun, Volunteers } from "./gridJob.ts";
import { POINTS } from "./kernels.ts";
import { nativeLua, nativeLuaBusy } from "./runners.ts";

/** Runs the grid row over `bars` bars, `runs` timed jobs per engine after one untimed; returns table lines. */
export async function gridRow(bars: number, runs: number, port: number): Promise<string[]> {
  const native = nativeLua(bars, 4);
  const busyNative = await nativeLuaBusy(bars, 4, WORKERS);
  if (typeof native === "string") return [`\nGrid row: ${native}`];
  const grid = await startGrid(bars, port);
  const workers: Proc[] = [];
  try {
    for (let k = 0; k < WORKERS; k++) workers.push(startShoal(["worker", "--coordinator", grid.url, "--threads", "1", "--transport", "ws", "--status-every", "1h"]));
    await Promise.all(workers.map((w) => waitFor(w, /(connected to the coordinator)/)));
    const volunteers: Volunteers = {
      cpuMs: async () => workers.reduce((sum, w) => sum + cpuMs(w.child.pid!), 0),
      check: () => {
        for (const w of workers) if (w.child.exitCode !== null) throw new Error(`a worker exited:\n${w.output.slice(-2000)}`);
      },
    };
    const nativePerPoint = native.best / POINTS.length;
    const lines = [
      `\nGrid row: the sweep's 3 points × ${COPIES} (${TASKS} tasks of one point, ${bars} bars) on a coordinator and ${WORKERS} \`shoal worker --threads 1\``,
      `on loopback (WebSocket), budget at its default; ${native.name} on one core in the same run: ${nativePerPoint.toFixed(1)} ms per point.`,
      `Per volunteer core = the job's wall time (created to finished, as the coordinator records it) × ${WORKERS} ÷ ${TASKS}, which other load on the machine inflates; the workers' CPU`,
      `time per point is what a volunteer core spends. Median of ${runs} jobs after an untimed first; RSS of each worker after them (peak in brackets).`,
      "",
      "| engine | job wall ms | per volunteer core, ms per point | × native | workers' CPU ms per point | × native | worker RSS MB | results agree |",
      "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ];
    const spans: Array<{ engine: (typeof ENGINES)[number]; figures: ReturnType<typeof gridFigures> }> = [];
    for (const engine of ENGINES) {
      await runJob(grid, engine, volunteers);
      const timed: GridRun[] = [];
      for (let r = 0; r < runs; r++) timed.push(await runJob(grid, engine, volunteers));
      const figures = gridFigures(timed, native.results);
      spans.push({ engine, figures });
      const rss = workers.map((w) => rssMb(w.child.pid!)).map((m) => `${m.now.toFixed(0)} (${m.peak.toFixed(0)})`).join(", ");
      lines.push(`| ${engine} | ${figureCells(figures, nativePerPoint)} | ${rss} | ${figures.agree} |`);
    }
    return [...lines, ...spanTable(spans, nativePerPoint, busyNative)];
  } finally {
    for (const w of workers) w.child.kill("SIGKILL");
    grid.close();
  }
}
