import { useMemo } from "react";
import type { AttemptOutcome } from "@shoal/protocol";
import { Notice } from "../components/Notice.tsx";
import { OUTCOMES } from "./outcomeColours.ts";
import { throughputSeries, timelineLayout } from "./timelineLayout.ts";
import { useAttemptStream } from "./useAttemptStream.ts";

const WIDTH = 1000;
const LABEL = 120;
const LANE = 16;
const GAP = 4;
const RATE_HEIGHT = 60;
const BUCKETS = 50;

/** Attempts per volunteer over time (bars coloured by outcome) and tasks per second below them; polled for changes while the job runs. */
export function TaskTimeline({ id, active }: { id: string; active: boolean }) {
  const timeline = useAttemptStream(id, active);
  const attempts = timeline.data?.attempts;
  const layout = useMemo(() => timelineLayout(attempts ?? [], Date.now()), [attempts]);
  const rates = useMemo(() => throughputSeries(attempts ?? [], layout.start, layout.end, BUCKETS), [attempts, layout]);

  if (timeline.error) return <Notice kind="error">Cannot load the task timeline: {timeline.error}</Notice>;
  if (!timeline.data) return null;
  if (layout.bars.length === 0) return null;
  const span = layout.end - layout.start;
  const x = (t: number) => LABEL + ((t - layout.start) / span) * (WIDTH - LABEL);
  const lanesHeight = layout.rows * (LANE + GAP);
  const maxRate = Math.max(...rates, 0);
  const bucketWidth = (WIDTH - LABEL) / BUCKETS;
  const seen = [...new Set(layout.bars.map((b) => b.outcome))] as AttemptOutcome[];
  const shown = timeline.data.total > layout.bars.length ? ` (latest ${layout.bars.length} of ${timeline.data.total})` : "";

  return (
    <section className="card" aria-labelledby="timeline-heading">
      <div className="card-head">
        <h2 id="timeline-heading">Task stream</h2>
        <span className="muted">
          {layout.bars.length} attempts on {layout.lanes.length} volunteer{layout.lanes.length === 1 ? "" : "s"} over {(span / 1000).toFixed(1)} s{shown}
        </span>
      </div>
      <div className="timeline-wrap">
      <svg className="timeline" viewBox={`0 0 ${WIDTH} ${lanesHeight + RATE_HEIGHT + 24}`} role="img" aria-label="Attempts per volunteer over time" data-testid="task-timeline">
        {layout.lanes.map(({ peer, first, rows }, i) => (
          <g key={peer}>
            {i > 0 && <line x1={0} x2={WIDTH} y1={first * (LANE + GAP) - GAP / 2} y2={first * (LANE + GAP) - GAP / 2} className="lane-rule" />}
            <text x={LABEL - 6} y={first * (LANE + GAP) + LANE - 4} textAnchor="end" className="lane-label">
              {peer.length > 14 ? `${peer.slice(0, 13)}…` : peer}
            </text>
            <text x={LABEL - 6} y={first * (LANE + GAP) + 2 * LANE - 2} textAnchor="end" className="lane-label">
              {rows > 1 ? `${rows} leases at once` : ""}
            </text>
          </g>
        ))}
        {layout.bars.map((bar) => (
          <rect
            key={`${bar.task}#${bar.attempt}`}
            x={x(bar.from)}
            y={bar.row * (LANE + GAP)}
            width={Math.max(2, x(bar.to) - x(bar.from))}
            height={LANE}
            fill={OUTCOMES[bar.outcome].colour}
            data-outcome={bar.outcome}
            data-testid="timeline-bar"
          >
            <title>{`task ${bar.task}, attempt ${bar.attempt}: ${OUTCOMES[bar.outcome].label}, ${((bar.to - bar.from) / 1000).toFixed(2)} s`}</title>
          </rect>
        ))}
        <g transform={`translate(0, ${lanesHeight + 8})`} data-testid="throughput-chart">
          <text x={LABEL - 6} y={12} textAnchor="end" className="lane-label">
            {maxRate.toFixed(1)} tasks/s
          </text>
          <text x={LABEL - 6} y={RATE_HEIGHT} textAnchor="end" className="lane-label">
            0
          </text>
          {rates.map((rate, i) => {
            const h = maxRate > 0 ? (rate / maxRate) * RATE_HEIGHT : 0;
            return <rect key={i} x={LABEL + i * bucketWidth} y={RATE_HEIGHT - h} width={Math.max(1, bucketWidth - 1)} height={h} fill="#0b5d7a" />;
          })}
        </g>
      </svg>
      </div>
      <p className="muted">Each bar runs from the lease to the report, so a task prefetched by a busy volunteer waits in its bar before it runs.</p>
      <ul className="legend">
        {seen.map((outcome) => (
          <li key={outcome}>
            <span className="swatch" style={{ background: OUTCOMES[outcome].colour }} /> {OUTCOMES[outcome].label}
          </li>
        ))}
      </ul>
    </section>
  );
}
