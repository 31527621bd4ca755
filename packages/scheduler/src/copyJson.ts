/** A deep copy of plain JSON data, so callers never share objects with the scheduler's state. */
export function copyJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
