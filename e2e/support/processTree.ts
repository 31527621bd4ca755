import { readdirSync, readFileSync } from "node:fs";

/** `pid` and every process below it, read from /proc (Linux), parents first. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // The command name in parentheses may hold spaces; the parent pid is the second field after it.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** Sends `signal` to `pid` and every process below it, ignoring any that is already gone. */
export function signalTree(pid: number, signal: NodeJS.Signals): number[] {
  const tree = processTree(pid);
  for (const each of tree) {
    try {
      process.kill(each, signal);
    } catch {
      // already exited
    }
  }
  return tree;
}
