/** An ISO time or epoch ms as a short local date and time, e.g. `2026-11-22 02:41`. */
export function formatTime(time: string | number): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return String(time);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An epoch-ms time as `2000-01-03` when it is a UTC midnight (daily data), else `2000-01-03 14:30` (UTC, as the data's timestamps are). */
export function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 86_400_000 === 0 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
