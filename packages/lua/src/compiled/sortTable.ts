import type { LuaValue } from "./values.ts";

/**
 * Lua 5.4's table.sort (ltablib.c's auxsort), step for step, so ties and invalid order
 * functions come out as native Lua's do (native randomizes the pivot only above 100 elements;
 * this port never does).
 */
export function sortTable(
  _t: unknown,
  n: number,
  lt: (a: LuaValue, b: LuaValue) => boolean,
  get: (i: number) => LuaValue,
  set: (i: number, v: LuaValue) => void,
  fail: (message: string) => never,
): void {
  const swap = (i: number, j: number) => {
    const a = get(i);
    const b = get(j);
    set(i, b);
    set(j, a);
  };
  const partition = (lo: number, up: number): number => {
    let i = lo;
    let j = up - 1;
    const p = get(up - 1);
    for (;;) {
      while (lt(get(++i), p)) if (i === up - 1) fail("invalid order function for sorting");
      while (lt(p, get(--j))) if (j < i) fail("invalid order function for sorting");
      if (j < i) {
        swap(up - 1, i);
        return i;
      }
      swap(i, j);
    }
  };
  const auxsort = (lo: number, up: number): void => {
    while (lo < up) {
      if (lt(get(up), get(lo))) swap(lo, up);
      if (up - lo === 1) break;
      const p = lo + Math.floor((up - lo) / 2);
      if (lt(get(p), get(lo))) swap(p, lo);
      else if (lt(get(up), get(p))) swap(p, up);
      if (up - lo === 2) break;
      swap(p, up - 1);
      const q = partition(lo, up);
      if (q - lo < up - q) {
        auxsort(lo, q - 1);
        lo = q + 1;
      } else {
        auxsort(q + 1, up);
        up = q - 1;
      }
    }
  };
  if (n > 1) auxsort(1, n);
}
