import { useEffect, useRef } from "react";
import uPlot from "uplot";
import type { LineSeries } from "./lineSeries.ts";

const COLOURS = ["#0b5d7a", "#c2571a", "#2f8f46", "#8a3fa0", "#b23b3b", "#5a6675", "#c29b1a", "#1a8fc2"];

/** Lines over a shared x axis (timestamps in ms when `time`), drawn with uPlot at the width of its container. */
export function LineChart({ data, time, height = 280, testId }: { data: LineSeries; time: boolean; height?: number; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = host.current!;
    const plot = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height,
        scales: { x: { time } },
        series: [{ label: time ? "time" : "x" }, ...data.lines.map((line, i) => ({ label: line.label, stroke: COLOURS[i % COLOURS.length]!, width: 1.5, spanGaps: true }))],
        axes: [{}, { size: 60 }],
        legend: { show: data.lines.length > 1 || time },
      },
      [time ? data.xs.map((ms) => ms / 1000) : data.xs, ...data.lines.map((line) => line.values)],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, element.clientWidth), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data, time, height]);

  return <div className="chart" ref={host} data-testid={testId} />;
}
