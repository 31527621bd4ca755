import type { JobTemplate } from "./parseTemplate.ts";
import { parseTemplate } from "./parseTemplate.ts";

const sources = import.meta.glob<string>("../../../../../examples/*.lua", { query: "?raw", import: "default", eager: true });

/** Shown first: the sweep the quick start runs. */
const FIRST = "sma-crossover";

/** The example jobs in `examples/`, bundled as templates with the options their headers show; the SMA-crossover sweep first. */
export const TEMPLATES: JobTemplate[] = Object.entries(sources)
  .map(([path, source]) => parseTemplate(path.slice(path.lastIndexOf("/") + 1, -".lua".length), source))
  .sort((a, b) => Number(b.id === FIRST) - Number(a.id === FIRST) || a.id.localeCompare(b.id));
