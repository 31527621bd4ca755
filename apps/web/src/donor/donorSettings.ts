import type { DonorSettings } from "@shoal/worker/browser";
import { defaultThreads } from "@shoal/worker/browser";

const KEY = "shoal.donor.settings";

/** Threads the slider offers: up to all cores. */
export function maxThreads(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/** The donor's saved settings, or the defaults (all cores but one, half the CPU, pause when hidden). */
export function loadSettings(): DonorSettings {
  const defaults: DonorSettings = { threads: defaultThreads(), cpuPercent: 50, pauseWhenHidden: true, pauseOnBattery: true };
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? "{}") as Partial<Record<keyof DonorSettings, unknown>>;
    return {
      threads: clamp(saved.threads, 1, maxThreads(), defaults.threads),
      cpuPercent: clamp(saved.cpuPercent, 10, 100, defaults.cpuPercent),
      pauseWhenHidden: typeof saved.pauseWhenHidden === "boolean" ? saved.pauseWhenHidden : defaults.pauseWhenHidden,
      pauseOnBattery: typeof saved.pauseOnBattery === "boolean" ? saved.pauseOnBattery : defaults.pauseOnBattery,
    };
  } catch {
    return defaults;
  }
}

export function saveSettings(settings: DonorSettings): void {
  localStorage.setItem(KEY, JSON.stringify(settings));
}

function clamp(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}
