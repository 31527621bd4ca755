// What bench/cluster computes from what it reads, apart from the processes it runs (tested in figures.test.ts).

export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `tasks` split over `jobs` jobs as evenly as whole tasks allow, the larger shares first. */
export function splitTasks(tasks: number, jobs: number): number[] {
  return Array.from({ length: jobs }, (_, k) => Math.floor(tasks / jobs) + (k < tasks % jobs ? 1 : 0));
}

/** A process as /proc describes it: its parent, its command line (arguments joined by spaces) and its CPU ms. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
  cpuMs: number;
}

/**
 * CPU ms of a PostgreSQL server: the postmaster listening on `port` (pg_ctl passes `-p PORT` on
 * its command line) and every process below it (backends, checkpointer, WAL writer...).
 * Throws when no postmaster has that port, rather than measuring nothing.
 */
export function clusterCpuMs(procs: readonly ProcInfo[], port: number): number {
  const postmaster = procs.find((p) => new RegExp(`(^|\\s)-p\\s+${port}(\\s|$)`).test(p.cmdline) && /(^|\/)postgres(\s|$)/.test(p.cmdline));
  if (!postmaster) throw new Error(`no postgres process with -p ${port}`);
  const children = new Map<number, ProcInfo[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  let total = 0;
  const stack = [postmaster];
  while (stack.length > 0) {
    const p = stack.pop()!;
    total += p.cpuMs;
    stack.push(...(children.get(p.pid) ?? []));
  }
  return total;
}
