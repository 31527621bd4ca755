import { formatCell } from "./formatCell.ts";
import type { HeatmapGrid } from "./heatmapGrid.ts";

/** A diverging colour for a value between min and max: red below zero, green above, grey-blue when all share a sign. */
/** A cell's fill for `value`, and a text colour that stays readable on it (white on the darker fills). */
function colour(value: number, min: number, max: number): { background: string; color: string } {
  let hue: number;
  let saturation: number;
  let lightness: number;
  if (min < 0 && max > 0) {
    const t = value < 0 ? value / min : value / max;
    [hue, saturation, lightness] = value < 0 ? [4, 70, 92 - t * 42] : [150, 55, 92 - t * 50];
  } else {
    const t = max === min ? 1 : (value - min) / (max - min);
    [hue, saturation, lightness] = [205, 65, 94 - t * 52];
  }
  return { background: `hsl(${hue} ${saturation}% ${lightness}%)`, color: lightness < 62 ? "#fff" : "#10202c" };
}

/** A metric over two swept parameters: one cell per point, the value written in it, coloured by size. */
export function Heatmap({ grid, x, y, metric, averaged }: { grid: HeatmapGrid; x: string; y: string; metric: string; averaged: boolean }) {
  return (
    <figure className="heatmap" data-testid="heatmap">
      <div className="heatmap-grid" style={{ gridTemplateColumns: `auto repeat(${grid.xs.length}, minmax(3.2rem, 1fr))` }}>
        <div className="heatmap-corner">
          {y} ↓ / {x} →
        </div>
        {grid.xs.map((value) => (
          <div key={`x${String(value)}`} className="heatmap-axis">
            {formatCell(value)}
          </div>
        ))}
        {grid.ys.map((yValue, row) => [
          <div key={`y${String(yValue)}`} className="heatmap-axis">
            {formatCell(yValue)}
          </div>,
          ...grid.xs.map((xValue, column) => {
            const value = grid.values[row]?.[column] ?? null;
            return (
              <div
                key={`${String(yValue)}:${String(xValue)}`}
                className="heatmap-cell"
                style={value === null ? { background: "#eef2f5" } : colour(value, grid.min, grid.max)}
                title={`${x}=${formatCell(xValue)} ${y}=${formatCell(yValue)} ${metric}=${value === null ? "none" : String(value)}`}
                data-testid="heatmap-cell"
              >
                {value === null ? "" : formatCell(Number(value.toPrecision(3)))}
              </div>
            );
          }),
        ])}
      </div>
      <figcaption>
        {metric} by {x} and {y}
        {averaged ? " (mean over the other parameters)" : ""} · min {formatCell(grid.min)} · max {formatCell(grid.max)}
      </figcaption>
    </figure>
  );
}
