/** A labelled figure in a card's `stats` grid. */
export function Stat({ label, value, testId }: { label: string; value: string; testId?: string | undefined }) {
  return (
    <div className="stat">
      <span className="label">{label}</span>
      <span className="value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}
