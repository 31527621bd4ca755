/** A labelled progress bar (0 to 1); the label reads white over the fill and dark over the track. */
export function ProgressBar({ value, label, testId }: { value: number; label: string; testId?: string }) {
  const percent = Math.max(0, Math.min(100, value * 100));
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(percent)} aria-label={label} data-testid={testId}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
      <span className="progress-text">{label}</span>
      <span className="progress-text progress-text-on" aria-hidden="true" style={{ clipPath: `inset(0 ${100 - percent}% 0 0)` }}>
        {label}
      </span>
    </div>
  );
}
