import { useEffect, useRef } from 'preact/hooks';

// DriftHistogram draws reference vs current distributions of one feature with uPlot (canvas).
// uPlot is loaded on first use, so pages without charts do not download it.
export function DriftHistogram(props: { title: string; edges: number[]; reference: number[]; current: number[] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let plot: { destroy(): void } | null = null;
    let cancelled = false;
    Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: uPlot }]) => {
      if (cancelled || !host.current) return;
      const n = Math.min(props.reference.length, props.current.length);
      const x = Array.from({ length: n }, (_, i) => props.edges[i] ?? i);
      const width = Math.max(260, Math.min(560, host.current.clientWidth || 400));
      const bars = uPlot.paths.bars!({ size: [0.45, 40], align: 0 });
      plot = new uPlot(
        {
          width,
          height: 200,
          title: props.title,
          scales: { x: { time: false } },
          axes: [{ stroke: '#8a94a6' }, { stroke: '#8a94a6' }],
          series: [
            { label: 'bin' },
            { label: 'reference', stroke: '#3b82f6', fill: 'rgba(59,130,246,0.35)', paths: bars },
            { label: 'current', stroke: '#f97316', fill: 'rgba(249,115,22,0.35)', paths: bars },
          ],
        },
        [x, props.reference.slice(0, n), props.current.slice(0, n)],
        host.current,
      );
    });
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [props.title, props.edges, props.reference, props.current]);
  return (
    <figure class="chart">
      <div ref={host} role="img" aria-label={`${props.title}: reference versus current distribution`} />
    </figure>
  );
}

// MetricBeforeAfter draws the quality metric's mean before and after the deployment (bars) against
// the reference the runbook sets (line). The table next to it carries the same numbers as text.
export function MetricBeforeAfter(props: {
  metric: string;
  splitAt: string;
  before: number | null;
  after: number | null;
  reference: number | null;
}) {
  const host = useRef<HTMLDivElement>(null);
  const { metric, splitAt, before, after, reference } = props;
  useEffect(() => {
    let plot: { destroy(): void } | null = null;
    let cancelled = false;
    if (before === null || after === null) return;
    Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: uPlot }]) => {
      if (cancelled || !host.current) return;
      const width = Math.max(260, Math.min(480, host.current.clientWidth || 400));
      const bars = uPlot.paths.bars!({ size: [0.5, 80] });
      const values = [before, after, ...(reference === null ? [] : [reference])];
      const low = Math.min(...values);
      const high = Math.max(...values);
      const pad = (high - low) * 0.25 || Math.abs(high) * 0.05 || 1;
      plot = new uPlot(
        {
          width,
          height: 200,
          title: `${metric} before and after ${splitAt}`,
          scales: { x: { time: false, range: [-0.5, 1.5] }, y: { range: [low - pad, high + pad] } },
          axes: [
            { stroke: '#8a94a6', splits: () => [0, 1], values: (_u, ticks) => ticks.map((t) => (t === 0 ? 'before' : 'after')) },
            { stroke: '#8a94a6' },
          ],
          series: [
            { label: 'period' },
            { label: `mean ${metric}`, stroke: '#3b82f6', fill: 'rgba(59,130,246,0.35)', paths: bars },
            ...(reference === null ? [] : [{ label: 'reference', stroke: '#dc2626', width: 2, dash: [6, 4] }]),
          ],
        },
        [[0, 1], [before, after], ...(reference === null ? [] : [[reference, reference]])],
        host.current,
      );
    });
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [metric, splitAt, before, after, reference]);
  if (before === null || after === null) return null;
  return (
    <figure class="chart" data-testid="metric-chart">
      <div
        ref={host}
        role="img"
        aria-label={`${metric}: mean ${before} before, ${after} after the deployment${reference === null ? '' : `, reference ${reference}`}`}
      />
    </figure>
  );
}
