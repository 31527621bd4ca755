import { useEffect, useRef } from "react";
import uPlot from "uplot";
import type { LineSeries } from "./lineSeries.ts";

const COLOURS = ["#0b5d7a", "#c2571a", "#2f8f46", "#8a3fa0", "#b23b3b", "#5a6675", "#c29b1a", "#1a8fc2"];

/** Whole-number tick steps, for an x axis of counts (versions): no 1.5th version. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000];

/**
 * Tick labels in the locale's digits with as many decimals as the step between ticks needs: uPlot's
 * default stops at three, so a metric moving in its fourth decimal read 0.471 on every tick.
 */
const stepLabels = (_: uPlot, splits: number[], _axis: number, _space: number, step: number) => {
  const digits = Math.min(12, Math.max(0, Math.ceil(-Math.log10(step))));
  return splits.map((value) => value.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits }));
};

/** The y axis's width: room for its longest tick label (about 7 px a character at the axis font), at least 60 px. */
const labelWidth = (_: uPlot, values: string[] | null) => Math.max(60, 16 + 7 * Math.max(0, ...(values ?? []).map((label) => label.length)));

/**
 * Lines over a shared x axis (timestamps in ms when `time`; whole numbers only when `wholeX`),
 * drawn with uPlot at the width of its container.
 */
export function LineChart({ data, time, wholeX = false, height = 280, testId }: { data: LineSeries; time: boolean; wholeX?: boolean; height?: number; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = host.current!;
    const plot = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height,
        scales: { x: { time } },
        series: [{ label: time ? "time" : "x" }, ...data.lines.map((line, i) => ({ label: line.label, stroke: COLOURS[i % COLOURS.length]!, width: 1.5, spanGaps: true }))],
        axes: [wholeX ? { incrs: WHOLE_STEPS, values: stepLabels } : {}, { size: labelWidth, values: stepLabels }],
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
  }, [data, time, wholeX, height]);

  return <div className="chart" ref={host} data-testid={testId} />;
}
