import type { Table, TableEntry } from "fengari";

/**
 * What a table of a fresh per-call environment held when it was built: its entries in order,
 * and each entry's value. fengari keeps a table's entries both in a Map and in a linked list,
 * in the same insertion order (only its `add` and `mark_dead` change either, and both change
 * both), and it updates an existing field's value slot in place.
 */
export interface PristineTable {
  readonly table: Table;
  /** The metatable it was built with (a library's locked one, or none). */
  readonly metatable: Table | null;
  readonly entries: readonly TableEntry[];
  readonly types: readonly number[];
  readonly values: readonly unknown[];
}

export function snapshotTable(table: Table): PristineTable {
  const entries = [...table.strong.values()];
  return { table, metatable: table.metatable, entries, types: entries.map((e) => e.value.type), values: entries.map((e) => e.value.value) };
}

/**
 * Puts `pristine.table` back as it was built, if a call only added fields to it (and
 * `allowAdditions`): the added fields are removed. Returns false, changing nothing, when any
 * built field was deleted, re-added or set to another value, or its metatable changed;
 * the caller then builds a fresh table. A restored table cannot be told from a fresh copy:
 * the same entries, values and iteration order, no dead keys kept for `next`.
 */
export function restoreTable(pristine: PristineTable, allowAdditions: boolean): boolean {
  const { table, metatable, entries, types, values } = pristine;
  const n = entries.length;
  const size = table.strong.size;
  if (table.metatable !== metatable || size < n || (size > n && !allowAdditions)) return false;
  let entry = table.f;
  for (let i = 0; i < n; i++) {
    if (entry !== entries[i] || entry!.value.type !== types[i] || entry!.value.value !== values[i]) return false;
    entry = entry!.n;
  }
  if (size > n) {
    // The list and the Map hold the same entries in the same order: drop the Map's tail.
    const added: unknown[] = [];
    let i = 0;
    for (const hash of table.strong.keys()) if (i++ >= n) added.push(hash);
    for (const hash of added) table.strong.delete(hash);
    const last = n > 0 ? entries[n - 1]! : undefined;
    if (last) last.n = undefined;
    else table.f = undefined;
    table.l = last;
  }
  if (table.dead_strong.size > 0) table.dead_strong.clear();
  table.dead_weak = undefined;
  table.flags = 0;
  return true;
}
