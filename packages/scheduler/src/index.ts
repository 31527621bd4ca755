export { planMapTasks, type SeriesOutline } from "./planMapTasks.ts";
export { reduceGroups } from "./reduceGroups.ts";
