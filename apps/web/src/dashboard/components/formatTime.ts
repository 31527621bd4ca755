/** An ISO time or epoch ms as a short local date and time, e.g. `2026-11-22 02:41`. */
export function formatTime(time: string | number): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return String(time);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An epoch-ms day as `2000-01-03` (UTC, as the data's timestamps are). */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
