/**
 * Groups `count` values into runs of at most `fanIn` for one level of the reduce tree.
 * The shape depends only on the count, so every run of a job folds the same way.
 */
export function reduceGroups(count: number, fanIn: number): Array<{ from: number; to: number }> {
  if (!Number.isInteger(fanIn) || fanIn < 2) throw new RangeError(`reduce fan-in must be an integer ≥ 2, got ${fanIn}`);
  const groups: Array<{ from: number; to: number }> = [];
  for (let from = 0; from < count; from += fanIn) groups.push({ from, to: Math.min(count, from + fanIn) });
  return groups;
}
