import type { TaskCount } from "./countTasks.ts";

/** What the form makes of its grid, split and batch size: the points and, once the dataset's series are known, the tasks; or what is wrong. */
export type TaskPlan = { ok: true; points: number; batchSize: number; count: TaskCount | undefined } | { ok: false; error: string };

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** "N points × M slices → T map tasks (+ R reduce)", updated as the author edits the grid, split and batch size. */
export function TaskCountLine({ plan }: { plan: TaskPlan }) {
  if (!plan.ok) {
    return (
      <p className="task-count error" data-testid="task-count" aria-live="polite">
        {plan.error}
      </p>
    );
  }
  const { points, batchSize, count } = plan;
  const batches = Math.ceil(points / batchSize);
  const perSlice = `${plural(batches, "map task")} per slice, up to ${plural(batchSize, "point")} each`;
  if (!count) {
    return (
      <p className="task-count" data-testid="task-count" aria-live="polite">
        <strong>{plural(points, "point")}</strong> → {perSlice}
        <span className="muted small">Slices are counted once the dataset is uploaded.</span>
      </p>
    );
  }
  const bound = count.exact ? "" : "≤ ";
  return (
    <p className="task-count" data-testid="task-count" aria-live="polite">
      <strong>
        {plural(count.points, "point")} × {bound}
        {plural(count.slices, "slice")} → {bound}
        {plural(count.map, "map task")}
        {count.reduce > 0 && ` (+ ${bound}${count.reduce.toLocaleString("en-US")} reduce)`}
      </strong>
      <span className="muted small">
        {perSlice}
        {!count.exact && "; windows with no rows make no slice"}.
      </span>
    </p>
  );
}
